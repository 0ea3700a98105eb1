/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../../../src/client/finalizers.js';
import { AlreadyOwnedError, setControllerReference } from '../../../src/client/set-controller-reference.js';
import { deepEqual } from '../../../src/internal/json/deep-equal.js';
import { createMergePatch } from '../../../src/internal/json/merge-patch.js';
import { Deployment, Namespace } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';

const Memcached = defineKind<KubernetesObject>({
  group: 'cache.spoke.dev',
  version: 'v1alpha1',
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});
const owner = (name: string, uid: string, namespace = 'default'): KubernetesObject => ({
  apiVersion: 'cache.spoke.dev/v1alpha1',
  kind: 'Memcached',
  metadata: { name, namespace, uid },
});
const cm = (namespace = 'default'): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-proxy', namespace },
});

describe('finalizers', () => {
  it('adds once, reports whether the object changed, and removes', () => {
    const obj = cm();
    assert.equal(addFinalizer(obj, 'cache.spoke.dev/cleanup'), true);
    assert.equal(addFinalizer(obj, 'cache.spoke.dev/cleanup'), false);
    assert.deepEqual(obj.metadata?.finalizers, ['cache.spoke.dev/cleanup']);
    assert.equal(hasFinalizer(obj, 'cache.spoke.dev/cleanup'), true);
    assert.equal(removeFinalizer(obj, 'cache.spoke.dev/cleanup'), true);
    assert.equal(removeFinalizer(obj, 'cache.spoke.dev/cleanup'), false);
    assert.deepEqual(obj.metadata.finalizers, []);
  });
});

describe('setControllerReference', () => {
  it('adds a controller reference that blocks owner deletion, idempotently', () => {
    const obj = cm();
    setControllerReference(owner('web', 'u1'), Memcached, obj);
    setControllerReference(owner('web', 'u1'), Memcached, obj);
    assert.deepEqual(
      obj.metadata?.ownerReferences?.map((r) => ({ ...r })),
      [
        {
          apiVersion: 'cache.spoke.dev/v1alpha1',
          kind: 'Memcached',
          name: 'web',
          uid: 'u1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    );
  });

  it('refuses when another object already controls it', () => {
    const obj = cm();
    setControllerReference(owner('web', 'u1'), Memcached, obj);
    assert.throws(() => {
      setControllerReference(owner('other', 'u2'), Memcached, obj);
    }, AlreadyOwnedError);
  });

  it('refuses an owner in another namespace, a namespaced owner of a cluster-scoped object, and an owner without uid', () => {
    assert.throws(() => {
      setControllerReference(owner('web', 'u1', 'other'), Memcached, cm());
    }, /share the namespace/);
    const ns: KubernetesObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } };
    assert.throws(() => {
      setControllerReference(owner('web', 'u1'), Memcached, ns);
    }, /cluster-scoped/);
    assert.throws(() => {
      setControllerReference({ metadata: { name: 'web', namespace: 'default' } }, Deployment, cm());
    }, /no uid/);
  });

  it('lets a cluster-scoped owner control a namespaced object', () => {
    const obj = cm();
    setControllerReference(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', uid: 'n1' } },
      Namespace,
      obj,
    );
    assert.equal(obj.metadata?.ownerReferences?.[0]?.kind, 'Namespace');
  });
});

describe('JSON diff helpers', () => {
  it('deepEqual treats undefined keys as absent and compares arrays by position', () => {
    assert.equal(deepEqual({ a: 1, b: undefined }, { a: 1 }), true);
    assert.equal(deepEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(deepEqual({ a: { b: null } }, { a: { b: null } }), true);
  });

  it('createMergePatch sends changed fields, nulls removed ones, replaces arrays whole', () => {
    const before = { metadata: { labels: { a: '1', b: '2' } }, spec: { ports: [1, 2], replicas: 1 } };
    const after = { metadata: { labels: { a: '1', c: '3' } }, spec: { ports: [1], replicas: 1 } };
    assert.deepEqual(createMergePatch(before, after), {
      metadata: { labels: { b: null, c: '3' } },
      spec: { ports: [1] },
    });
    assert.equal(createMergePatch(before, structuredClone(before)), undefined);
  });
});
