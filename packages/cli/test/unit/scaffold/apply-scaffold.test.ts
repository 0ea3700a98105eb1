import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  applyScaffold,
  insertAboveMarker,
  ScaffoldConflictError,
  uncommentBlock,
} from '../../../src/scaffold/apply-scaffold.js';
import { snapshot } from '../../support/run-spoke.js';

describe('applying a scaffold', () => {
  it('inserts above the marker, indented as it, and never the same line twice', () => {
    const text = 'const list = [\n  a,\n  // +marker\n];\n';
    const once = insertAboveMarker(text, '// +marker', ['b,', 'a,']);
    assert.equal(once, 'const list = [\n  a,\n  b,\n  // +marker\n];\n');
    assert.equal(insertAboveMarker(once, '// +marker', ['b,']), once);
    assert.equal(insertAboveMarker(text, '// +other', ['b,']), undefined);
  });

  it('uncomments a commented section once, line by line, and knows an enabled one', () => {
    const text = 'resources:\n- ../crd\n#- ../webhook\n#- ../certmanager\n# [PROMETHEUS]\n';
    const once = uncommentBlock(text, '- ../webhook\n- ../certmanager\n', '#');
    assert.equal(once, 'resources:\n- ../crd\n- ../webhook\n- ../certmanager\n# [PROMETHEUS]\n');
    assert.equal(uncommentBlock(once, '- ../webhook\n- ../certmanager', '#'), once);
    // "#- ../webhook" holds "- ../webhook" but is not it: whole lines only.
    assert.equal(uncommentBlock('#- ../webhook\n', '- ../webhook', '#'), '- ../webhook\n');
    assert.equal(uncommentBlock(text, '- ../other', '#'), undefined);
    // Half of the section commented is neither.
    assert.equal(
      uncommentBlock('- ../webhook\n#- ../certmanager\n', '- ../webhook\n- ../certmanager', '#'),
      undefined,
    );
  });

  it('writes new files, extends marked files, rewrites tool files, and reports each', async () => {
    const root = mkdtempSync(join(tmpdir(), 'spoke-apply-'));
    writeFileSync(join(root, 'list.ts'), 'export const all = [\n  // +marker\n];\n');
    writeFileSync(join(root, 'kept.ts'), 'mine\n');
    const result = await applyScaffold(root, [
      { kind: 'new', path: 'deep/dir/new.ts', content: 'new\n', ifExists: 'refuse' },
      { kind: 'new', path: 'kept.ts', content: 'theirs\n', ifExists: 'skip' },
      { kind: 'insert', path: 'list.ts', marker: '// +marker', lines: ['one,'] },
      { kind: 'insert', path: 'list.ts', marker: '// +marker', lines: ['two,'] },
      { kind: 'rewrite', path: 'PROJECT', content: 'project\n' },
    ]);
    assert.deepEqual(result, {
      created: ['deep/dir/new.ts'],
      updated: ['list.ts', 'PROJECT'],
      kept: ['kept.ts'],
    });
    assert.equal(
      readFileSync(join(root, 'list.ts'), 'utf8'),
      'export const all = [\n  one,\n  two,\n  // +marker\n];\n',
    );
    assert.equal(readFileSync(join(root, 'kept.ts'), 'utf8'), 'mine\n');
    assert.equal(readFileSync(join(root, 'deep/dir/new.ts'), 'utf8'), 'new\n');
  });

  it('checks every step first: with one problem anywhere it writes nothing and names every problem', async () => {
    const root = mkdtempSync(join(tmpdir(), 'spoke-apply-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/mine.ts'), 'my code\n');
    writeFileSync(join(root, 'list.ts'), 'no marker here\n');
    const before = snapshot(root);
    await assert.rejects(
      applyScaffold(root, [
        { kind: 'new', path: 'src/fresh.ts', content: 'x\n', ifExists: 'refuse' },
        { kind: 'new', path: 'src/mine.ts', content: 'overwritten\n', ifExists: 'refuse' },
        { kind: 'insert', path: 'list.ts', marker: '// +marker', lines: ['x,'] },
        { kind: 'insert', path: 'gone.ts', marker: '// +marker', lines: ['x,'] },
        { kind: 'rewrite', path: 'PROJECT', content: 'x\n' },
      ]),
      (error: unknown) => {
        assert.ok(error instanceof ScaffoldConflictError);
        assert.deepEqual(error.problems, [
          'refusing to overwrite src/mine.ts: it exists',
          'cannot add to list.ts: it has no `// +marker` line (restore it where code goes)',
          'cannot add to gone.ts: it does not exist (spoke scaffolded it; restore it)',
        ]);
        assert.match(error.message, /^3 problems, nothing was written: refusing to overwrite src\/mine\.ts/);
        return true;
      },
    );
    assert.deepEqual(snapshot(root), before);
  });
});
