import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigMap, Deployment, isBuiltinKind } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';

describe('built-in kinds', () => {
  it('tells built-in API groups from custom resources', () => {
    assert.equal(isBuiltinKind(Deployment), true);
    assert.equal(isBuiltinKind(ConfigMap), true);
    const custom = defineKind({
      group: 'cache.spoke.dev',
      version: 'v1alpha1',
      kind: 'Memcached',
      plural: 'memcacheds',
      namespaced: true,
    });
    assert.equal(isBuiltinKind(custom), false);
    assert.equal(custom.apiVersion, 'cache.spoke.dev/v1alpha1');
  });
});
