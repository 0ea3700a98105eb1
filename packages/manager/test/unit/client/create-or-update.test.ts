/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { createOrPatch } from '../../../src/client/create-or-patch.js';
import { createOrUpdate } from '../../../src/client/create-or-update.js';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { RecordingClient } from '../../support/recording-client.js';

const key = { namespace: 'default', name: 'web-proxy' };
const skeleton = (): V1ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...key } });
const setData = (value: string) => (cm: V1ConfigMap) => {
  cm.data = { 'nutcracker.yml': value };
};

for (const [name, helper] of [
  ['createOrUpdate', createOrUpdate],
  ['createOrPatch', createOrPatch],
] as const) {
  describe(name, () => {
    it('creates a missing object after mutating it', async () => {
      const client = new RecordingClient();
      const obj = skeleton();
      assert.equal(await helper(client, ConfigMap, obj, setData('a')), 'created');
      assert.deepEqual(client.writes(), ['create core/v1/ConfigMap default/web-proxy']);
      assert.deepEqual(obj.data, { 'nutcracker.yml': 'a' });
    });

    it('sends no write when the mutation changes nothing', async () => {
      const client = new RecordingClient();
      await helper(client, ConfigMap, skeleton(), setData('a'));
      client.calls.length = 0;
      assert.equal(await helper(client, ConfigMap, skeleton(), setData('a')), 'unchanged');
      assert.deepEqual(client.writes(), []);
    });

    it('writes when the mutation changes the object', async () => {
      const client = new RecordingClient();
      await helper(client, ConfigMap, skeleton(), setData('a'));
      client.calls.length = 0;
      assert.equal(await helper(client, ConfigMap, skeleton(), setData('b')), 'updated');
      assert.equal(client.writes().length, 1);
    });

    it('refuses a mutation that renames the object', async () => {
      const client = new RecordingClient();
      await assert.rejects(
        helper(client, ConfigMap, skeleton(), (cm) => {
          cm.metadata = { ...cm.metadata, name: 'other' };
        }),
        /changed the object's key/,
      );
      assert.deepEqual(client.writes(), []);
    });
  });
}

describe('createOrPatch', () => {
  it('sends a merge patch of only what changed', async () => {
    const client = new RecordingClient();
    await createOrPatch(client, ConfigMap, skeleton(), setData('a'));
    client.calls.length = 0;
    await createOrPatch(client, ConfigMap, skeleton(), (cm) => {
      cm.metadata = { ...cm.metadata, labels: { app: 'web' } };
    });
    assert.deepEqual(client.writes(), ['patch(merge) core/v1/ConfigMap default/web-proxy']);
  });
});

describe('createOrUpdate and createOrPatch pass the caller’s signal to every request', () => {
  for (const [name, helper] of [
    ['createOrUpdate', createOrUpdate],
    ['createOrPatch', createOrPatch],
  ] as const) {
    it(`${name}: the read, the create, and the write of a change`, async () => {
      const client = new RecordingClient();
      const { signal } = new AbortController();
      await helper(client, ConfigMap, skeleton(), setData('a'), { signal });
      await helper(client, ConfigMap, skeleton(), setData('b'), { signal });
      assert.ok(client.calls.length >= 4, client.calls.join(', '));
      assert.deepEqual(
        client.signals.map((s) => s === signal),
        client.calls.map(() => true),
        `calls without the signal among: ${client.calls.join(', ')}`,
      );
    });
  }
});
