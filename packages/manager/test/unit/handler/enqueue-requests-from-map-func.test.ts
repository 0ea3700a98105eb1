import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enqueueRequestsFromMapFunc, type RequestQueue } from '../../../src/handler/index.js';
import type { Request } from '../../../src/reconcile/index.js';

function recorder(): RequestQueue & { added: Request[] } {
  const added: Request[] = [];
  return { added, add: (r) => added.push(r), addAfter: (r) => added.push(r) };
}

describe('enqueueRequestsFromMapFunc', () => {
  it('requests what the function maps old and new objects to, each once', () => {
    const q = recorder();
    const h = enqueueRequestsFromMapFunc((obj) => {
      const svc = obj.metadata?.labels?.['kubernetes.io/service-name'];
      return svc ? [{ namespace: obj.metadata?.namespace ?? '', name: svc }] : [];
    });
    const slice = (svc: string) => ({
      metadata: { namespace: 'default', name: 'web-abcde', labels: { 'kubernetes.io/service-name': svc } },
    });
    h.update({ objectOld: slice('web'), objectNew: slice('web'), isResync: false }, q);
    h.update({ objectOld: slice('web'), objectNew: slice('api'), isResync: false }, q);
    h.generic({ object: { metadata: { name: 'unlabelled' } } }, q);
    assert.deepEqual(q.added, [
      { namespace: 'default', name: 'web' },
      { namespace: 'default', name: 'web' },
      { namespace: 'default', name: 'api' },
    ]);
  });
});
