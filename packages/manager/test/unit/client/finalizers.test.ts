import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../../../src/client/finalizers.js';

const cm = (namespace = 'default'): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-proxy', namespace },
});

describe('finalizers', () => {
  it('adds once, reports whether the object changed, and removes', () => {
    const obj = cm();
    assert.equal(addFinalizer(obj, 'cache.spoke.dev/cleanup'), true);
    assert.equal(addFinalizer(obj, 'cache.spoke.dev/cleanup'), false);
    assert.deepEqual(obj.metadata?.finalizers, ['cache.spoke.dev/cleanup']);
    assert.equal(hasFinalizer(obj, 'cache.spoke.dev/cleanup'), true);
    assert.equal(removeFinalizer(obj, 'cache.spoke.dev/cleanup'), true);
    assert.equal(removeFinalizer(obj, 'cache.spoke.dev/cleanup'), false);
    assert.deepEqual(obj.metadata.finalizers, []);
  });
});
