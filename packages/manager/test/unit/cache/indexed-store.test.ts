/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap, V1OwnerReference } from '@kubernetes/client-node';
import { ControllerOwnerIndex } from '../../../src/cache/cache.js';
import {
  controllerOwnerIndexValue,
  indexByControllerOwner,
} from '../../../src/cache/controller-owner-index.js';
import { IndexedStore } from '../../../src/cache/indexed-store.js';
import { ClusterRole, Deployment, Namespace } from '../../../src/kinds/builtin-kinds.js';

const owned = (
  name: string,
  namespace: string | undefined,
  owner?: Partial<V1OwnerReference>,
): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace,
    labels: { app: name.split('-')[0] ?? '' },
    ownerReferences: owner
      ? [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u1', controller: true, ...owner }]
      : undefined,
  },
});
const byApp = (o: V1ConfigMap): string[] => (o.metadata?.labels?.app ? [o.metadata.labels.app] : []);

describe('IndexedStore', () => {
  it('files objects under namespace/name and keeps indexes in step with updates and deletes', () => {
    const store = new IndexedStore<V1ConfigMap>({ app: byApp });
    store.upsert(owned('web-1', 'default'));
    store.upsert(owned('web-2', 'default'));
    store.upsert(owned('db-1', 'default'));
    assert.deepEqual(
      store
        .byIndex('app', 'web')
        .map((o) => o.metadata?.name)
        .sort(),
      ['web-1', 'web-2'],
    );
    const moved = owned('web-2', 'default');
    moved.metadata = { ...moved.metadata, labels: { app: 'db' } };
    store.upsert(moved);
    assert.deepEqual(
      store.byIndex('app', 'web').map((o) => o.metadata?.name),
      ['web-1'],
    );
    assert.deepEqual(
      store
        .byIndex('app', 'db')
        .map((o) => o.metadata?.name)
        .sort(),
      ['db-1', 'web-2'],
    );
    store.delete('default/web-1');
    assert.deepEqual(store.byIndex('app', 'web'), []);
    assert.equal(store.get('default/web-1'), undefined);
  });

  it('indexes stored objects when an index is added later', () => {
    const store = new IndexedStore<V1ConfigMap>();
    store.upsert(owned('web-1', 'default'));
    store.addIndexers({ app: byApp });
    assert.equal(store.byIndex('app', 'web').length, 1);
  });

  it('refuses to redefine an index with another function, and to query an unknown one', () => {
    const store = new IndexedStore<V1ConfigMap>({ app: byApp });
    store.addIndexers({ app: byApp });
    assert.throws(() => {
      store.addIndexers({ app: () => [] });
    }, /already defined/);
    assert.throws(() => store.byIndex('nope', 'x'), /no index named "nope"/);
  });
});

describe('IndexedStore with an index function that throws', () => {
  it('stores and finds the object by key, leaves it out of that index only, and reports it', () => {
    const errors: string[] = [];
    const store = new IndexedStore<V1ConfigMap>(
      {
        byTeam: (obj) => {
          const team = obj.metadata?.labels?.['team'];
          if (team === undefined) throw new Error('no team label');
          return [team];
        },
      },
      (error) => errors.push(error.message),
    );
    store.upsert({ metadata: { namespace: 'ns', name: 'unlabelled' } });
    store.upsert({ metadata: { namespace: 'ns', name: 'web', labels: { team: 'a' } } });
    assert.equal(store.get('ns/unlabelled')?.metadata?.name, 'unlabelled');
    assert.deepEqual(
      store.byIndex('byTeam', 'a').map((o) => o.metadata?.name),
      ['web'],
    );
    assert.deepEqual(errors, ['index "byTeam" of ns/unlabelled: no team label']);
    assert.equal(store.delete('ns/unlabelled')?.metadata?.name, 'unlabelled');
    assert.equal(store.size, 1);
  });
});

describe('ControllerOwnerIndex', () => {
  const store = new IndexedStore<V1ConfigMap>({ [ControllerOwnerIndex]: indexByControllerOwner });
  store.upsert(owned('a', 'default', {}));
  store.upsert(owned('b', 'other', {}));
  store.upsert(owned('c', 'default', { controller: false }));
  store.upsert(owned('d', 'default'));

  it('finds what a namespaced owner controls, in its namespace only', () => {
    const value = controllerOwnerIndexValue(Deployment, { namespace: 'default', name: 'web' });
    assert.equal(value, 'apps/Deployment/default/web');
    assert.deepEqual(
      store.byIndex(ControllerOwnerIndex, value).map((o) => o.metadata?.name),
      ['a'],
    );
  });

  it('ignores owner references that are not the controller', () => {
    assert.deepEqual(indexByControllerOwner(owned('c', 'default', { controller: false })), []);
  });

  it('names the core group "core" and a cluster-scoped owner with an empty namespace', () => {
    assert.equal(controllerOwnerIndexValue(Namespace, { name: 'team-a' }), 'core/Namespace//team-a');
    const byRole = owned('e', 'x', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      name: 'admin',
    });
    assert.ok(
      indexByControllerOwner(byRole).includes(controllerOwnerIndexValue(ClusterRole, { name: 'admin' })),
    );
  });
});
