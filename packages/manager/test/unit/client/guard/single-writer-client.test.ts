import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import {
  SingleWriterViolationError,
  newSingleWriterClient,
} from '../../../../src/client/guard/single-writer-client.js';
import { ConfigMap, Deployment } from '../../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../../src/kinds/resource-kind.js';
import { RecordingClient } from '../../../support/recording-client.js';

const Memcached = defineKind<KubernetesObject & { spec?: { replicas?: number }; status?: unknown }>({
  group: 'cache.spoke.dev',
  version: 'v1alpha1',
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});
const memcached = {
  apiVersion: 'cache.spoke.dev/v1alpha1',
  kind: 'Memcached',
  metadata: { namespace: 'default', name: 'web', resourceVersion: '5' },
  spec: { replicas: 3 },
};
const configMap: V1ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: 'default', name: 'web-proxy-1a2b' },
};

function guarded() {
  const inner = new RecordingClient();
  inner.seed(Memcached, memcached);
  const client = newSingleWriterClient(inner, {
    controller: 'proxy-config',
    writes: { kind: ConfigMap, status: false },
    for: Memcached,
  });
  return { inner, client };
}

describe('single-writer client', () => {
  it('passes writes of the kind it writes through', async () => {
    const { inner, client } = guarded();
    await client.create(ConfigMap, configMap);
    await client.patch(
      ConfigMap,
      { namespace: 'default', name: 'web-proxy-1a2b' },
      { type: 'merge', body: { data: {} } },
    );
    await client.delete(ConfigMap, { namespace: 'default', name: 'web-proxy-1a2b' });
    assert.equal(inner.writes().length, 3);
  });

  it('rejects a write of another kind before anything reaches the inner client, naming controller and kind', async () => {
    const { inner, client } = guarded();
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace: 'default', name: 'web-proxy' },
    };
    await assert.rejects(client.create(Deployment, deployment), (err: unknown) => {
      assert.ok(err instanceof SingleWriterViolationError);
      assert.equal(err.controller, 'proxy-config');
      assert.equal(err.kind, 'apps/v1/Deployment');
      assert.match(
        err.message,
        /controller proxy-config may not create default\/web-proxy of kind apps\/v1\/Deployment: it writes only core\/v1\/ConfigMap/,
      );
      return true;
    });
    await assert.rejects(client.update(Deployment, deployment), SingleWriterViolationError);
    await assert.rejects(
      client.apply(Deployment, deployment, { fieldManager: 'x' }),
      SingleWriterViolationError,
    );
    await assert.rejects(
      client.delete(Deployment, { namespace: 'default', name: 'web-proxy' }),
      SingleWriterViolationError,
    );
    await assert.rejects(client.status.update(Deployment, deployment), SingleWriterViolationError);
    assert.deepEqual(inner.calls, []);
  });

  it('refuses status writes of the reconciled kind unless the status is its write target', async () => {
    const { inner, client } = guarded();
    await assert.rejects(
      client.status.update(Memcached, { ...memcached, status: { readyReplicas: 3 } }),
      (err: unknown) => {
        assert.ok(err instanceof SingleWriterViolationError);
        assert.match(
          err.message,
          /may not update status default\/web of kind cache.spoke.dev\/v1alpha1\/Memcached/,
        );
        return true;
      },
    );
    await assert.rejects(
      client.status.patch(Memcached, { namespace: 'default', name: 'web' }, { type: 'merge', body: {} }),
      SingleWriterViolationError,
    );
    assert.deepEqual(inner.calls, []);
  });

  it('lets a status writer write the status subresource, and nothing else of the kind', async () => {
    const inner = new RecordingClient();
    inner.seed(Memcached, memcached);
    const client = newSingleWriterClient(inner, {
      controller: 'memcached-status',
      writes: { kind: Memcached, status: true },
      for: Memcached,
    });
    await client.status.update(Memcached, { ...memcached, status: { readyReplicas: 3 } });
    await client.status.patch(
      Memcached,
      { namespace: 'default', name: 'web' },
      { type: 'merge', body: { status: {} } },
    );
    await assert.rejects(
      client.patch(Memcached, { namespace: 'default', name: 'web' }, { type: 'merge', body: { spec: {} } }),
      (err: unknown) => {
        assert.ok(err instanceof SingleWriterViolationError);
        assert.equal(err.allowed, 'cache.spoke.dev/v1alpha1/Memcached status');
        return true;
      },
    );
    await assert.rejects(client.create(ConfigMap, configMap), SingleWriterViolationError);
    assert.deepEqual(inner.writes(), [
      'status.update cache.spoke.dev/v1alpha1/Memcached default/web',
      'status.patch cache.spoke.dev/v1alpha1/Memcached default/web',
    ]);
  });

  it('lets a writer of a kind write its objects but not their status', async () => {
    const { inner, client } = guarded();
    await assert.rejects(
      client.status.patch(
        ConfigMap,
        { namespace: 'default', name: 'web-proxy-1a2b' },
        { type: 'merge', body: {} },
      ),
      SingleWriterViolationError,
    );
    assert.deepEqual(inner.calls, []);
  });

  it('allows finalizer-only patches of the reconciled kind, and nothing more', async () => {
    const { inner, client } = guarded();
    const key = { namespace: 'default', name: 'web' };
    await client.patch(Memcached, key, {
      type: 'merge',
      body: { metadata: { finalizers: ['cache.spoke.dev/cleanup'], resourceVersion: '5' } },
    });
    await client.patch(Memcached, key, {
      type: 'json',
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: '5' },
        { op: 'remove', path: '/metadata/finalizers/0' },
      ],
    });
    assert.equal(inner.writes().length, 2);
    await assert.rejects(
      client.patch(Memcached, key, { type: 'merge', body: { spec: { replicas: 1 } } }),
      /beyond finalizers/,
    );
    await assert.rejects(
      client.patch(Memcached, key, {
        type: 'merge',
        body: { metadata: { finalizers: [], labels: { a: 'b' } } },
      }),
      SingleWriterViolationError,
    );
    await assert.rejects(
      client.patch(Memcached, key, {
        type: 'json',
        body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
      }),
      SingleWriterViolationError,
    );
    assert.equal(inner.writes().length, 2);
  });

  it('allows a finalizer-only update of the reconciled kind, judged against the cached object', async () => {
    const { inner, client } = guarded();
    const withFinalizer = structuredClone(memcached) as typeof memcached & {
      metadata: { finalizers?: string[] };
    };
    withFinalizer.metadata.finalizers = ['cache.spoke.dev/cleanup'];
    await client.update(Memcached, withFinalizer);
    assert.deepEqual(inner.writes(), ['update cache.spoke.dev/v1alpha1/Memcached default/web']);
    const scaled = { ...withFinalizer, spec: { replicas: 1 } };
    await assert.rejects(client.update(Memcached, scaled), /update default\/web \(beyond finalizers\)/);
    assert.equal(inner.writes().length, 1);
  });

  it('passes reads of any kind through', async () => {
    const { inner, client } = guarded();
    await client.get(Deployment, { namespace: 'default', name: 'x' });
    await client.list(ConfigMap);
    assert.deepEqual(inner.calls, ['get apps/v1/Deployment default/x', 'list core/v1/ConfigMap']);
  });
});
