import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditedRequest } from '../../support/audit-log.js';
import { classifyWrite, leaseTerms, leaseWrites, type LeaseWrite } from '../../soak/lease-terms.js';

const lease = { namespace: 'ns', name: 'lock' };
let rv = 100;

/** A successful Lease write by `user` setting `holder`, received at `at` s and answered 10 ms later. */
function leaseWrite(user: string, holder: string, at: number, durationS = 5): AuditedRequest {
  rv++;
  return request({
    user,
    verb: 'update',
    resource: 'leases',
    name: 'lock',
    at,
    responseObject: {
      metadata: { name: 'lock', resourceVersion: String(rv) },
      spec: { holderIdentity: holder, leaseDurationSeconds: durationS },
    },
  });
}

function request(r: {
  user: string;
  verb: string;
  resource: string;
  name: string;
  at: number;
  tookMs?: number;
  code?: number;
  responseObject?: unknown;
}): AuditedRequest {
  const receivedAt = r.at * 1000;
  return {
    auditID: `${r.user}-${r.at}-${rv}`,
    verb: r.verb,
    user: r.user,
    userAgent: '',
    resource: r.resource,
    namespace: 'ns',
    name: r.name,
    receivedAt,
    completedAt: receivedAt + (r.tookMs ?? 10),
    code: r.code ?? 200,
    requestObject: undefined,
    responseObject: r.responseObject,
    line: `${r.user} ${r.verb} ${r.resource}/${r.name} @${r.at}`,
  };
}

const write = (user: string, at: number, tookMs = 10) =>
  request({ user, verb: 'patch', resource: 'deployments', name: 'web', at, tookMs });

function terms(writes: AuditedRequest[]) {
  return leaseTerms(leaseWrites(writes, lease));
}

describe('lease terms from the audit log', () => {
  it('reads the successful writes of one Lease in commit order, with the holder and duration after each', () => {
    const writes = leaseWrites(
      [
        leaseWrite('a', 'A', 1),
        request({ user: 'b', verb: 'update', resource: 'leases', name: 'lock', at: 1.5, code: 409 }),
        leaseWrite('a', 'A', 2, 7),
        request({ user: 'x', verb: 'update', resource: 'leases', name: 'other', at: 2 }),
      ],
      lease,
    );
    assert.deepEqual(
      writes.map((w: LeaseWrite) => [w.user, w.holder, w.leaseDurationMs]),
      [
        ['a', 'A', 5000],
        ['a', 'A', 7000],
      ],
    );
  });

  it('ends a term at the last renewal + the lease duration when the next holder acquires after it', () => {
    const { terms: t, anomalies } = terms([
      leaseWrite('a', 'A', 1),
      leaseWrite('a', 'A', 2),
      leaseWrite('a', 'A', 3),
      leaseWrite('b', 'B', 9),
    ]);
    assert.deepEqual(anomalies, []);
    assert.equal(t.length, 2);
    assert.deepEqual(
      [t[0]?.user, t[0]?.start, t[0]?.end, t[0]?.endedBy, t[0]?.renewals],
      ['a', 1010, 8010, 'expiry', 2],
    );
    assert.deepEqual([t[1]?.user, t[1]?.start, t[1]?.endedBy], ['b', 9010, 'expiry']);
  });

  it('ends a term at its release, and at a takeover that comes before expiry', () => {
    const released = terms([leaseWrite('a', 'A', 1), leaseWrite('a', '', 2), leaseWrite('b', 'B', 2.5)]);
    assert.deepEqual(
      released.terms.map((t) => [t.user, t.end, t.endedBy]),
      [
        ['a', 2000, 'release'],
        ['b', 7510, 'expiry'],
      ],
    );
    const taken = terms([leaseWrite('a', 'A', 1), leaseWrite('b', 'B', 3)]);
    assert.deepEqual(taken.terms[0]?.endedBy, 'takeover');
    assert.equal(taken.terms[0].end, 3000);
  });

  it('starts a new term when the same holder writes again after its lease expired', () => {
    const { terms: t } = terms([leaseWrite('a', 'A', 1), leaseWrite('a', 'A', 10)]);
    assert.deepEqual(
      t.map((x) => [x.start, x.end]),
      [
        [1010, 6010],
        [10010, 15010],
      ],
    );
  });

  it('reports a holder renewed by another user, and a release by a non-holder', () => {
    assert.match(terms([leaseWrite('a', 'A', 1), leaseWrite('b', 'A', 2)]).anomalies.join(), /renewed by b/);
    assert.match(terms([leaseWrite('a', 'A', 1), leaseWrite('b', '', 2)]).anomalies.join(), /released by b/);
  });
});

describe('writes against the terms', () => {
  const { terms: t } = terms([leaseWrite('a', 'A', 1), leaseWrite('a', 'A', 2), leaseWrite('b', 'B', 8)]);
  // a holds [1.01, 7.01]; b from 8.01.

  it('is inside when received and answered within a term of its sender', () => {
    assert.equal(classifyWrite(t, write('a', 3)), 'inside');
    assert.equal(classifyWrite(t, write('b', 9)), 'inside');
  });

  it('is in flight when received within the term and answered after it ended', () => {
    assert.equal(classifyWrite(t, write('a', 7, 50)), 'in-flight');
  });

  it('is outside when received after the term ended, before it began, or in another user’s term', () => {
    assert.equal(classifyWrite(t, write('a', 7.5)), 'outside');
    assert.equal(classifyWrite(t, write('a', 0.5)), 'outside');
    assert.equal(classifyWrite(t, write('b', 3)), 'outside');
    assert.equal(classifyWrite(t, write('c', 3)), 'outside');
  });

  it('counts a write that was never answered at its receipt', () => {
    assert.equal(classifyWrite(t, { ...write('a', 5), completedAt: undefined, code: undefined }), 'inside');
  });
});
