import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { enqueueRequestForOwner, type RequestQueue } from '../../../src/handler/index.js';
import type { Request } from '../../../src/reconcile/index.js';
const Memcached = defineKind({
  group: 'cache.spoke.dev',
  version: 'v1alpha1',
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});
const Node = defineKind({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false });

function recorder(): RequestQueue & { added: Request[] } {
  const added: Request[] = [];
  return { added, add: (r) => added.push(r), addAfter: (r) => added.push(r) };
}

const configMap = (ownerReferences: NonNullable<KubernetesObject['metadata']>['ownerReferences']) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: 'default', name: 'web-proxy-1a2b', ownerReferences },
});

const ref = (apiVersion: string, kind: string, name: string, controller?: boolean) => ({
  apiVersion,
  kind,
  name,
  uid: `uid-${name}`,
  ...(controller === undefined ? {} : { controller }),
});

describe('enqueueRequestForOwner', () => {
  it('requests owners of the kind by group and kind, in the dependent namespace, whatever the version', () => {
    const q = recorder();
    const obj = configMap([
      ref('cache.spoke.dev/v1alpha1', 'Memcached', 'web', true),
      ref('cache.spoke.dev/v1beta1', 'Memcached', 'other'),
      ref('other.dev/v1alpha1', 'Memcached', 'not-ours'),
      ref('apps/v1', 'Deployment', 'web'),
    ]);
    enqueueRequestForOwner(Memcached).create({ object: obj, isInInitialList: false }, q);
    assert.deepEqual(q.added, [
      { namespace: 'default', name: 'web' },
      { namespace: 'default', name: 'other' },
    ]);
  });

  it('with onlyController requests only the controller owner', () => {
    const q = recorder();
    const obj = configMap([
      ref('cache.spoke.dev/v1alpha1', 'Memcached', 'web', true),
      ref('cache.spoke.dev/v1alpha1', 'Memcached', 'other', false),
    ]);
    enqueueRequestForOwner(Memcached, { onlyController: true }).delete({ object: obj }, q);
    assert.deepEqual(q.added, [{ namespace: 'default', name: 'web' }]);
  });

  it('on update requests the owners of old and new once each, so a removed owner hears of it', () => {
    const q = recorder();
    const before = configMap([ref('cache.spoke.dev/v1alpha1', 'Memcached', 'old', true)]);
    const after = configMap([ref('cache.spoke.dev/v1alpha1', 'Memcached', 'new', true)]);
    const h = enqueueRequestForOwner(Memcached, { onlyController: true });
    h.update({ objectOld: before, objectNew: after, isResync: false }, q);
    h.update({ objectOld: after, objectNew: after, isResync: false }, q);
    assert.deepEqual(q.added, [
      { namespace: 'default', name: 'old' },
      { namespace: 'default', name: 'new' },
      { namespace: 'default', name: 'new' },
    ]);
  });

  it('requests a cluster-scoped owner without a namespace', () => {
    const q = recorder();
    enqueueRequestForOwner(Node).create(
      { object: configMap([ref('v1', 'Node', 'node-1')]), isInInitialList: true },
      q,
    );
    assert.deepEqual(q.added, [{ name: 'node-1' }]);
  });
});
