import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepEqual } from '../../../../src/internal/json/deep-equal.js';
import { createMergePatch } from '../../../../src/internal/json/merge-patch.js';

describe('JSON diff helpers', () => {
  it('deepEqual treats undefined keys as absent and compares arrays by position', () => {
    assert.equal(deepEqual({ a: 1, b: undefined }, { a: 1 }), true);
    assert.equal(deepEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(deepEqual({ a: { b: null } }, { a: { b: null } }), true);
  });

  it('createMergePatch sends changed fields, nulls removed ones, replaces arrays whole', () => {
    const before = { metadata: { labels: { a: '1', b: '2' } }, spec: { ports: [1, 2], replicas: 1 } };
    const after = { metadata: { labels: { a: '1', c: '3' } }, spec: { ports: [1], replicas: 1 } };
    assert.deepEqual(createMergePatch(before, after), {
      metadata: { labels: { b: null, c: '3' } },
      spec: { ports: [1] },
    });
    assert.equal(createMergePatch(before, structuredClone(before)), undefined);
  });
});
