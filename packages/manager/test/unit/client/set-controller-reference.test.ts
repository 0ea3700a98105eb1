import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { AlreadyOwnedError, setControllerReference } from '../../../src/client/set-controller-reference.js';
import { Deployment, Namespace } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';
/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */

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
