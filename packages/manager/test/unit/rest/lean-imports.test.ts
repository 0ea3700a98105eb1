import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The compiled index this test sits next to: dist/test/unit/rest/ → dist/src/index.js.
const index = fileURLToPath(new URL('../../../src/index.js', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'lean-imports-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every module URL (ESM and CommonJS) a fresh node resolves while importing `@spoke/manager`'s index. */
function modulesLoadedByImport(): string[] {
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    [
      "import { registerHooks } from 'node:module';",
      'const seen = [];',
      'registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });',
      "process.on('exit', () => { process.stdout.write(JSON.stringify(seen)); });",
    ].join('\n'),
  );
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(hook).href,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(pathToFileURL(index).href)});`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

describe("what importing @spoke/manager loads (issue 11's idle memory)", () => {
  const loaded = modulesLoadedByImport();

  it('loads the manager itself (the witness that the hook saw the import)', () => {
    assert.ok(loaded.some((url) => url.endsWith('/src/manager/manager.js')));
    assert.ok(loaded.some((url) => url.includes('/undici/lib/dispatcher/agent.js')));
  });

  it('loads nothing of @kubernetes/client-node (its generated API is ~50 MB)', () => {
    assert.deepEqual(
      loaded.filter((url) => url.includes('/@kubernetes/client-node/')),
      [],
    );
  });

  it("loads undici's dispatchers without its index (fetch, WebSocket, mocks)", () => {
    assert.deepEqual(
      loaded.filter((url) => /\/undici\/index\.js$/.test(url) || url.includes('/undici/lib/web/')),
      [],
    );
  });

  it('loads yaml only when a kubeconfig file is parsed (an in-cluster manager parses none)', () => {
    assert.deepEqual(
      loaded.filter((url) => url.includes('/node_modules/yaml/')),
      [],
    );
  });
});
