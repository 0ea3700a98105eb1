import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import type { Patch, WriteOptions } from '../../../../src/client/client.js';
import { FencedClient } from '../../../../src/client/guard/fenced-client.js';
import { ConfigMap } from '../../../../src/kinds/builtin-kinds.js';
import type { ObjectKey } from '../../../../src/kinds/object-key.js';
import type { ResourceKind } from '../../../../src/kinds/resource-kind.js';
import { RecordingClient } from '../../../support/recording-client.js';

const key = { namespace: 'default', name: 'web-proxy' };
const configMap: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...key } };
const merge = { type: 'merge', body: { data: {} } } as const;

describe('fenced client', () => {
  it('passes every write through while the fence is open', async () => {
    const inner = new RecordingClient();
    const client = new FencedClient(inner, () => undefined);
    await client.create(ConfigMap, configMap);
    await client.update(ConfigMap, configMap);
    await client.patch(ConfigMap, key, merge);
    await client.apply(ConfigMap, configMap, { fieldManager: 'x' });
    await client.status.update(ConfigMap, configMap);
    await client.status.patch(ConfigMap, key, merge);
    await client.delete(ConfigMap, key);
    assert.equal(inner.writes().length, 7);
  });

  it('rejects every write with the fence error once it closes, sending nothing, and still reads', async () => {
    const inner = new RecordingClient();
    const lost = new Error('leader election lost');
    const client = new FencedClient(inner, () => lost);
    const writes = [
      () => client.create(ConfigMap, configMap),
      () => client.update(ConfigMap, configMap),
      () => client.patch(ConfigMap, key, merge),
      () => client.apply(ConfigMap, configMap, { fieldManager: 'x' }),
      () => client.status.update(ConfigMap, configMap),
      () => client.status.patch(ConfigMap, key, merge),
      () => client.delete(ConfigMap, key),
    ];
    for (const write of writes) await assert.rejects(write(), (err) => err === lost);
    await client.get(ConfigMap, key);
    await client.list(ConfigMap);
    assert.deepEqual(inner.calls, ['get core/v1/ConfigMap default/web-proxy', 'list core/v1/ConfigMap']);
  });
});

/** Waits (a macrotask at a time) until `condition` holds: the guard admits a write asynchronously. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** A client whose writes never answer: each waits for its options' signal and rejects with its reason. */
class HangingClient extends RecordingClient {
  override patch<T extends KubernetesObject>(
    _kind: ResourceKind<T>,
    _key: ObjectKey,
    _patch: Patch,
    options?: WriteOptions,
  ): Promise<T> {
    const signal = options?.signal;
    this.signals.push(signal);
    return new Promise<T>((_resolve, reject) => {
      if (signal?.aborted) reject(signal.reason as Error);
      signal?.addEventListener('abort', () => {
        reject(signal.reason as Error);
      });
    });
  }
}

describe('fenced client: writes in flight', () => {
  it('aborts a write in flight when the fence closes, whatever signal the caller passed', async () => {
    const inner = new HangingClient();
    const fence = new AbortController();
    const lost = new Error('leader election lost');
    const client = new FencedClient(inner, () => (fence.signal.aborted ? lost : undefined), fence.signal);
    const caller = new AbortController();
    const withSignal = client.patch(ConfigMap, key, merge, { signal: caller.signal });
    const withoutSignal = client.patch(ConfigMap, key, merge);
    await until(() => inner.signals.length === 2);
    fence.abort(lost);
    await assert.rejects(withSignal, (err) => err === lost);
    await assert.rejects(withoutSignal, (err) => err === lost);
  });

  it("still aborts a write in flight when the caller's signal aborts", async () => {
    const inner = new HangingClient();
    const fence = new AbortController();
    const client = new FencedClient(inner, () => undefined, fence.signal);
    const caller = new AbortController();
    const write = client.patch(ConfigMap, key, merge, { signal: caller.signal });
    await until(() => inner.signals.length === 1);
    const timedOut = new Error('reconcile timed out');
    caller.abort(timedOut);
    await assert.rejects(write, (err) => err === timedOut);
    assert.equal(fence.signal.aborted, false);
  });
});
