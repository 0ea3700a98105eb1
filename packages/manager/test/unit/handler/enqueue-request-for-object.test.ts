import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enqueueRequestForObject, type RequestQueue } from '../../../src/handler/index.js';
import type { Request } from '../../../src/reconcile/index.js';

function recorder(): RequestQueue & { added: Request[] } {
  const added: Request[] = [];
  return { added, add: (r) => added.push(r), addAfter: (r) => added.push(r) };
}

describe('enqueueRequestForObject', () => {
  it('requests the object itself, by namespace and name', () => {
    const q = recorder();
    const h = enqueueRequestForObject();
    const obj = { metadata: { namespace: 'ns', name: 'a' } };
    h.create({ object: obj, isInInitialList: false }, q);
    h.update({ objectOld: obj, objectNew: obj, isResync: false }, q);
    h.delete({ object: { metadata: { name: 'cluster-scoped' } } }, q);
    assert.deepEqual(q.added, [
      { namespace: 'ns', name: 'a' },
      { namespace: 'ns', name: 'a' },
      { name: 'cluster-scoped' },
    ]);
  });
});
