import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Client, EventRecorder, ReconcileContext } from '@spoke/manager';
import { MemcachedKind, ProxyConfigController, type Memcached } from '../../../../src/index.js';
import { memcached } from '../../fixtures.js';

/**
 * A client that answers the reads this controller makes before it writes anything: the Memcached (or nothing, once
 * deleted), and empty lists (no config yet, no endpoint ready). A write would be a failure of the test.
 */
function readOnlyClient(current: () => Memcached | undefined): Client {
  const refuse = (): never => {
    throw new Error('this test expects no write');
  };
  const client = {
    get: (kind: { kind: string }) =>
      Promise.resolve(kind.kind === MemcachedKind.kind ? structuredClone(current()) : undefined),
    list: (): Promise<KubernetesObject[]> => Promise.resolve([]),
    create: refuse,
    update: refuse,
    patch: refuse,
    apply: refuse,
    delete: refuse,
  };
  return client as unknown as Client;
}

const ctx: ReconcileContext = {
  // The waiting path logs one debug line; nothing else is called.
  log: { debug: () => undefined } as unknown as ReconcileContext['log'],
  signal: new AbortController().signal,
  reconcileID: 'test',
};

/** How many Memcacheds the controller remembers as waiting for their servers (its only state). */
const waiting = (controller: ProxyConfigController): number =>
  (controller as unknown as { pendingSince: ReadonlyMap<string, unknown> }).pendingSince.size;

describe('ProxyConfigController', () => {
  it('forgets a Memcached that waited for its servers once it is deleted or being deleted', async () => {
    for (const gone of ['deleted', 'deleting'] as const) {
      let current: Memcached | undefined = memcached({ replicas: 3 });
      const controller = new ProxyConfigController(
        readOnlyClient(() => current),
        {} as unknown as EventRecorder,
      );
      const req = { namespace: 'default', name: 'web' };
      const result = await controller.reconcile(req, ctx);
      assert.ok((result.requeueAfter ?? 0) > 0, 'waits for the servers that should exist');
      assert.equal(waiting(controller), 1);

      if (gone === 'deleted') current = undefined;
      else (current.metadata ??= {}).deletionTimestamp = new Date();
      assert.deepEqual(await controller.reconcile(req, ctx), {});
      assert.equal(waiting(controller), 0, `nothing kept of a Memcached ${gone}`);
    }
  });
});
