/* eslint-disable @typescript-eslint/no-misused-spread -- client-node models are classes, API objects are plain JSON */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { IndexedStore } from '../../../src/cache/indexed-store.js';
import { Reflector, type StoreChange } from '../../../src/cache/reflector.js';
import { stripManagedFields } from '../../../src/cache/strip-managed-fields.js';
import type { WatcherEvent } from '../../../src/watcher/watcher-event.js';

const cm = (name: string, resourceVersion: string): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: 'default', name, resourceVersion },
});

function reflector() {
  const changes: string[] = [];
  const store = new IndexedStore<V1ConfigMap>();
  const describe = (c: StoreChange<V1ConfigMap>): string => {
    switch (c.type) {
      case 'Added':
        return `add ${c.object.metadata?.name ?? ''}@${c.object.metadata?.resourceVersion ?? ''}${c.isInInitialList ? ' (list)' : ''}`;
      case 'Updated':
        return `update ${c.newObject.metadata?.name ?? ''}@${c.newObject.metadata?.resourceVersion ?? ''}`;
      case 'Deleted':
        return `delete ${c.object.metadata?.name ?? ''}`;
      case 'Listed':
        return `listed @${c.resourceVersion}`;
    }
  };
  const r = new Reflector<V1ConfigMap>({
    store,
    transform: stripManagedFields,
    onChange: (c) => changes.push(describe(c)),
  });
  const apply = (...events: WatcherEvent<V1ConfigMap>[]) => {
    for (const e of events) r.apply(e);
  };
  const list = (rv: string, ...items: V1ConfigMap[]): void => {
    apply({ type: 'Init' }, ...items.map((object) => ({ type: 'InitApply' as const, object })), {
      type: 'InitDone',
      resourceVersion: rv,
    });
  };
  return { r, store, changes, apply, list };
}

describe('Reflector', () => {
  it('stores the first list as adds marked isInInitialList, then reports synced', () => {
    const { r, store, changes, list } = reflector();
    assert.equal(r.synced, false);
    list('10', cm('a', '1'), cm('b', '2'));
    assert.deepEqual(changes, ['add a@1 (list)', 'add b@2 (list)', 'listed @10']);
    assert.equal(r.synced, true);
    assert.equal(r.resourceVersion, '10');
    assert.deepEqual(store.keys().sort(), ['default/a', 'default/b']);
  });

  it('buffers a list until InitDone: the store does not change mid-list', () => {
    const { store, apply, list } = reflector();
    list('10', cm('a', '1'));
    apply({ type: 'Init' }, { type: 'InitApply', object: cm('b', '2') });
    assert.deepEqual(store.keys(), ['default/a']);
  });

  it('after a relist, deletes objects that vanished during the gap (no ghosts) and updates only what changed', () => {
    const { store, changes, list } = reflector();
    list('10', cm('a', '1'), cm('b', '2'), cm('c', '3'));
    changes.length = 0;
    list('20', cm('a', '1'), cm('c', '15'), cm('d', '16'));
    assert.deepEqual(changes, ['delete b', 'update c@15', 'add d@16 (list)', 'listed @20']);
    assert.deepEqual(store.keys().sort(), ['default/a', 'default/c', 'default/d']);
  });

  it('delivers a deleted-during-the-gap object in the state the store last held', () => {
    const deleted: V1ConfigMap[] = [];
    const store = new IndexedStore<V1ConfigMap>();
    const r = new Reflector<V1ConfigMap>({
      store,
      onChange: (c) => c.type === 'Deleted' && deleted.push(c.object),
    });
    const last = { ...cm('b', '2'), data: { k: 'v' } };
    for (const e of [
      { type: 'Init' },
      { type: 'InitApply', object: last },
      { type: 'InitDone', resourceVersion: '2' },
    ] as const) {
      r.apply(e);
    }
    r.apply({ type: 'Init' });
    r.apply({ type: 'InitDone', resourceVersion: '9' });
    assert.deepEqual(deleted, [last]);
  });

  it('a list left unfinished is superseded by the next Init', () => {
    const { store, changes, apply, list } = reflector();
    list('10', cm('a', '1'));
    apply({ type: 'Init' }, { type: 'InitApply', object: cm('half', '5') });
    changes.length = 0;
    list('20', cm('a', '1'), cm('b', '12'));
    assert.deepEqual(changes, ['add b@12 (list)', 'listed @20']);
    assert.equal(store.get('default/half'), undefined);
  });

  it('applies watch events as add, update and delete, and tracks bookmarks', () => {
    const { r, store, changes, apply, list } = reflector();
    list('10');
    apply(
      { type: 'Apply', object: cm('a', '11') },
      { type: 'Apply', object: cm('a', '12') },
      { type: 'Bookmark', resourceVersion: '30' },
    );
    assert.equal(r.resourceVersion, '30');
    apply({ type: 'Delete', object: cm('a', '31') });
    assert.deepEqual(changes, ['listed @10', 'add a@11', 'update a@12', 'delete a']);
    assert.equal(store.size, 0);
    assert.equal(r.resourceVersion, '31');
  });

  it('stores objects through the transform (managedFields stripped by default in informers)', () => {
    const { store, apply, list } = reflector();
    list('1');
    apply({
      type: 'Apply',
      object: {
        ...cm('a', '2'),
        metadata: { ...cm('a', '2').metadata, managedFields: [{ manager: 'kubectl' }] },
      },
    });
    assert.equal(store.get('default/a')?.metadata?.managedFields, undefined);
  });

  it('keeps every other metadata field when it strips managedFields, without deleting from the object it got', () => {
    const metadata = {
      namespace: 'default',
      name: 'a',
      resourceVersion: '2',
      labels: { app: 'x' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }],
      managedFields: [{ manager: 'kubectl' }],
    };
    const stripped = stripManagedFields({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { k: 'v' } });
    assert.deepEqual(stripped, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        namespace: 'default',
        name: 'a',
        resourceVersion: '2',
        labels: { app: 'x' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }],
      },
      data: { k: 'v' },
    });
    // Rebuilt, not deleted from: the original metadata object still has its key (and its V8 shape).
    assert.equal(metadata.managedFields.length, 1);
  });

  it('stores deep-frozen objects: a reader that mutates one gets a TypeError, and the store is unchanged', () => {
    const { store, apply, list } = reflector();
    list('1', { ...cm('a', '1'), data: { k: 'v' } });
    apply({
      type: 'Apply',
      object: { ...cm('b', '2'), metadata: { ...cm('b', '2').metadata, labels: { l: '1' } } },
    });
    const a = store.get('default/a');
    const b = store.get('default/b');
    assert.ok(a && b);
    assert.throws(() => {
      (a.data as Record<string, string>)['k'] = 'changed';
    }, TypeError);
    assert.throws(() => {
      (b.metadata as { labels: Record<string, string> }).labels['l'] = '2';
    }, TypeError);
    assert.throws(() => {
      a.metadata = {};
    }, TypeError);
    assert.equal(store.get('default/a')?.data?.['k'], 'v');
    assert.equal(store.get('default/b')?.metadata?.labels?.['l'], '1');
  });

  it('stores an object the transform throws on as it came, reports it, and keeps applying events', () => {
    const store = new IndexedStore<V1ConfigMap>();
    const errors: string[] = [];
    const r = new Reflector<V1ConfigMap>({
      store,
      transform: (obj) => {
        if (obj.metadata?.name === 'bad') throw new Error('cannot transform');
        return { ...obj, data: { transformed: 'yes' } };
      },
      onTransformError: (error, obj) => errors.push(`${obj.metadata?.name ?? ''}: ${error.message}`),
    });
    r.apply({ type: 'Init' });
    r.apply({ type: 'InitApply', object: cm('bad', '1') });
    r.apply({ type: 'InitApply', object: cm('good', '2') });
    r.apply({ type: 'InitDone', resourceVersion: '2' });
    r.apply({ type: 'Apply', object: cm('later', '3') });
    assert.deepEqual(errors, ['bad: cannot transform']);
    assert.equal(store.get('default/bad')?.data, undefined);
    assert.equal(store.get('default/good')?.data?.['transformed'], 'yes');
    assert.equal(store.get('default/later')?.data?.['transformed'], 'yes');
    assert.equal(r.synced, true);
  });

  it('skips and reports an object it cannot key (no metadata.name) instead of throwing, and keeps applying events', () => {
    const store = new IndexedStore<V1ConfigMap>();
    const skipped: string[] = [];
    const r = new Reflector<V1ConfigMap>({ store, onSkip: (error) => skipped.push(error.message) });
    const nameless: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '2' } };
    r.apply({ type: 'Init' });
    r.apply({ type: 'InitApply', object: nameless });
    r.apply({ type: 'InitApply', object: cm('a', '1') });
    r.apply({ type: 'InitDone', resourceVersion: '2' });
    r.apply({ type: 'Apply', object: nameless });
    r.apply({ type: 'Delete', object: nameless });
    r.apply({ type: 'Apply', object: cm('b', '3') });
    assert.deepEqual(store.keys().sort(), ['default/a', 'default/b']);
    assert.equal(r.synced, true);
    assert.equal(skipped.length, 3);
    assert.match(skipped[0] ?? '', /skipped a listed object: object of kind ConfigMap has no metadata.name/);
    assert.match(skipped[1] ?? '', /skipped an Apply event: object of kind ConfigMap has no metadata.name/);
  });
});
