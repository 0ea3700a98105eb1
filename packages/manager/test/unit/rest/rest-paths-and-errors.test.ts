import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, isConflict, isNotFound } from '../../../src/apierrors/api-error.js';
import { apiErrorFromResponse, isResourceExpired } from '../../../src/apierrors/api-error-from-response.js';
import { describeTarget, resourcePath, withQuery } from '../../../src/rest/resource-path.js';
import {
  ConfigMap,
  CustomResourceDefinition,
  Deployment,
  isBuiltinKind,
} from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';

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

describe('ApiError from a response', () => {
  it('carries the verb, the object, the code and the server message', () => {
    const body = JSON.stringify({
      kind: 'Status',
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on deployments.apps "web-proxy": the object has been modified',
    });
    const err = apiErrorFromResponse('update apps/v1 Deployment default/web-proxy', 409, body);
    assert.ok(err instanceof ApiError);
    assert.equal(
      err.message,
      'update apps/v1 Deployment default/web-proxy: 409 Conflict: Operation cannot be fulfilled on deployments.apps "web-proxy": the object has been modified',
    );
    assert.equal(isConflict(err), true);
  });

  it('derives the reason from the code when the body is not a Status', () => {
    const err = apiErrorFromResponse('get v1 ConfigMap default/a', 404, '<html>not here</html>');
    assert.equal(err.reason, 'NotFound');
    assert.equal(isNotFound(err), true);
    assert.equal(err.message, 'get v1 ConfigMap default/a: 404 Not Found: <html>not here</html>');
  });

  it('recognises an expired resourceVersion or continue token', () => {
    const expired = apiErrorFromResponse(
      'list v1 ConfigMap',
      410,
      JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired' }),
    );
    assert.equal(expired.reason, 'Expired');
    assert.equal(isResourceExpired(expired), true);
    assert.equal(isResourceExpired(new Error('410')), false);
  });
});

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
