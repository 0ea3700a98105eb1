import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapePointerToken, jsonPatch, type JsonPatchOperation } from '../../../src/webhook/json-patch.js';

/** Applies a patch of add/replace/remove, by RFC 6902's rules, to check the diff round-trips. */
function apply(doc: unknown, ops: readonly JsonPatchOperation[]): unknown {
  let root = structuredClone(doc);
  for (const op of ops) {
    if (op.path === '') {
      assert.equal(op.op, 'replace');
      root = structuredClone((op as { value: unknown }).value);
      continue;
    }
    const tokens = op.path
      .slice(1)
      .split('/')
      .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop() as string;
    let parent = root as Record<string, unknown>;
    for (const t of tokens) parent = parent[t] as Record<string, unknown>;
    if (op.op === 'remove') {
      assert.ok(Object.hasOwn(parent, last), `remove of a missing ${op.path}`);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else Reflect.deleteProperty(parent, last);
    } else {
      if (op.op === 'replace') assert.ok(Object.hasOwn(parent, last), `replace of a missing ${op.path}`);
      else assert.ok(!Object.hasOwn(parent, last) || Array.isArray(parent), `add over ${op.path}`);
      parent[last] = structuredClone(op.value);
    }
  }
  return root;
}

describe('jsonPatch', () => {
  it('is empty for equal documents', () => {
    assert.deepEqual(jsonPatch({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), []);
  });

  it('adds, replaces and removes members with the smallest paths', () => {
    const before = { metadata: { name: 'x', labels: { a: '1' } }, spec: { size: 1, old: true } };
    const after = { metadata: { name: 'x', labels: { a: '2', b: '3' } }, spec: { size: 1 } };
    const ops = jsonPatch(before, after);
    assert.deepEqual(ops, [
      { op: 'replace', path: '/metadata/labels/a', value: '2' },
      { op: 'add', path: '/metadata/labels/b', value: '3' },
      { op: 'remove', path: '/spec/old' },
    ]);
    assert.deepEqual(apply(before, ops), after);
  });

  it('escapes ~ and / in member names (RFC 6901)', () => {
    assert.equal(escapePointerToken('a/b~c~1'), 'a~1b~0c~01');
    const before = { metadata: { annotations: {} } };
    const after = { metadata: { annotations: { 'example.com/x~y': 'v' } } };
    const ops = jsonPatch(before, after);
    assert.deepEqual(ops, [{ op: 'add', path: '/metadata/annotations/example.com~1x~0y', value: 'v' }]);
    assert.deepEqual(apply(before, ops), after);
  });

  it('diffs arrays of the same length element-wise and replaces those whose length changed', () => {
    const before = { list: [{ n: 1 }, { n: 2 }], other: [1] };
    const after = { list: [{ n: 1 }, { n: 3 }], other: [1, 2] };
    const ops = jsonPatch(before, after);
    assert.deepEqual(ops, [
      { op: 'replace', path: '/list/1/n', value: 3 },
      { op: 'replace', path: '/other', value: [1, 2] },
    ]);
    assert.deepEqual(apply(before, ops), after);
  });

  it('treats undefined members as absent and replaces values of another type', () => {
    const before = { a: { x: 1 }, b: 'str', c: undefined };
    const after = { a: [1], b: 'str', c: undefined, d: undefined };
    const ops = jsonPatch(before, after);
    assert.deepEqual(ops, [{ op: 'replace', path: '/a', value: [1] }]);
    assert.deepEqual(JSON.parse(JSON.stringify(apply(before, ops))), { a: [1], b: 'str' });
  });

  it('round-trips a random mutation of a nested document', () => {
    const before = { spec: { a: { b: { c: [1, 2, 3] } }, d: null }, status: { ok: false } };
    const after = { spec: { a: { b: { c: [1, 5, 3], e: {} } }, d: 'x' }, status: {} };
    assert.deepEqual(apply(before, jsonPatch(before, after)), after);
  });
});
