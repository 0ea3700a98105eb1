import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeTarget, resourcePath, withQuery } from '../../../src/rest/resource-path.js';
import { ConfigMap, CustomResourceDefinition, Deployment } from '../../../src/kinds/builtin-kinds.js';

describe('REST paths', () => {
  it('puts the core group under /api and the others under /apis/<group>', () => {
    assert.equal(
      resourcePath(ConfigMap, { namespace: 'default', name: 'a' }),
      '/api/v1/namespaces/default/configmaps/a',
    );
    assert.equal(
      resourcePath(Deployment, { namespace: 'default', name: 'web', subresource: 'status' }),
      '/apis/apps/v1/namespaces/default/deployments/web/status',
    );
    assert.equal(resourcePath(Deployment), '/apis/apps/v1/deployments');
  });

  it('ignores the namespace of cluster-scoped kinds', () => {
    assert.equal(
      resourcePath(CustomResourceDefinition, { namespace: 'x', name: 'a.b.c' }),
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.b.c',
    );
  });

  it('leaves undefined query parameters out', () => {
    assert.equal(
      withQuery('/api/v1/pods', { limit: 50, continue: undefined, watch: true }),
      '/api/v1/pods?limit=50&watch=true',
    );
  });

  it('names targets in errors as "apps/v1 Deployment default/web-proxy"', () => {
    assert.equal(
      describeTarget(Deployment, { namespace: 'default', name: 'web-proxy' }),
      'apps/v1 Deployment default/web-proxy',
    );
    assert.equal(describeTarget(ConfigMap, { namespace: 'default' }), 'v1 ConfigMap in namespace default');
  });
});
