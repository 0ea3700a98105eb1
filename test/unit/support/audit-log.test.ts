import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditedRequests, microTimeMs } from '../../support/audit-log.js';

function line(stage: string, id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    auditID: id,
    stage,
    verb: 'create',
    requestURI: '/api/v1/namespaces/ns/configmaps',
    user: { username: 'alice' },
    userAgent: 'curl',
    objectRef: { resource: 'configmaps', namespace: 'ns' },
    requestReceivedTimestamp: '2025-01-02T03:04:05.000100Z',
    stageTimestamp:
      stage === 'RequestReceived' ? '2025-01-02T03:04:05.000100Z' : '2025-01-02T03:04:05.250000Z',
    ...extra,
  });
}

describe('the audit log', () => {
  it('reads MicroTime to the microsecond', () => {
    const micros = (microTimeMs('2025-01-02T03:04:05.123456Z') - microTimeMs('2025-01-02T03:04:05Z')) * 1000;
    assert.equal(Math.round(micros), 123_456);
    assert.equal(microTimeMs('2025-01-02T03:04:05Z'), Date.UTC(2025, 0, 2, 3, 4, 5));
  });

  it('merges the stages of a request: received at its first, answered at ResponseComplete', () => {
    const [r] = auditedRequests([
      line('RequestReceived', 'x'),
      line('ResponseComplete', 'x', {
        responseStatus: { code: 201 },
        objectRef: { resource: 'pods', subresource: 'status', namespace: 'ns', name: 'p' },
      }),
    ]);
    assert.ok(r);
    assert.equal(r.code, 201);
    assert.equal(r.resource, 'pods/status');
    assert.equal(r.name, 'p');
    assert.equal(Math.round(((r.completedAt ?? 0) - r.receivedAt) * 1000), 249_900);
  });

  it('keeps a request that was never answered, with an unknown outcome, and skips a torn line', () => {
    const requests = auditedRequests([line('RequestReceived', 'lost'), '{"auditID":"torn","sta']);
    assert.deepEqual(
      requests.map((r) => [r.auditID, r.code, r.completedAt]),
      [['lost', undefined, undefined]],
    );
  });
});
