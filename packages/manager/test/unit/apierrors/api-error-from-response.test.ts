import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, isConflict, isNotFound } from '../../../src/apierrors/api-error.js';
import { apiErrorFromResponse, isResourceExpired } from '../../../src/apierrors/api-error-from-response.js';

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
