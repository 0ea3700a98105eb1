import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { FencedClient } from '../../../../src/client/guard/fenced-client.js';
import { ConfigMap } from '../../../../src/kinds/builtin-kinds.js';
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
