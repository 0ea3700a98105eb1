import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  and,
  annotationChanged,
  generationChanged,
  labelChanged,
  labelSelector,
  newPredicateFuncs,
  not,
  or,
  predicateFuncs,
  resourceVersionChanged,
} from '../../../src/predicate/index.js';

type Meta = NonNullable<KubernetesObject['metadata']>;
const obj = (meta: Partial<Meta>): KubernetesObject => ({
  metadata: { name: 'a', namespace: 'ns', ...meta },
});
const update = (o: Partial<Meta>, n: Partial<Meta>) => ({
  objectOld: obj(o),
  objectNew: obj(n),
  isResync: false,
});
const create = (meta: Partial<Meta> = {}) => ({ object: obj(meta), isInInitialList: false });

describe('predicates', () => {
  it('generationChanged passes spec changes only, and every create/delete/generic', () => {
    const p = generationChanged();
    assert.equal(p.update(update({ generation: 1 }, { generation: 2 })), true);
    assert.equal(
      p.update(update({ generation: 2, resourceVersion: '1' }, { generation: 2, resourceVersion: '2' })),
      false,
    );
    assert.equal(p.create(create()), true);
    assert.equal(p.delete({ object: obj({}) }), true);
    assert.equal(p.generic({ object: obj({}) }), true);
  });

  it('resourceVersionChanged drops resyncs', () => {
    const p = resourceVersionChanged();
    assert.equal(p.update(update({ resourceVersion: '5' }, { resourceVersion: '5' })), false);
    assert.equal(p.update(update({ resourceVersion: '5' }, { resourceVersion: '6' })), true);
  });

  it('labelChanged and annotationChanged compare maps, absent equals empty', () => {
    assert.equal(labelChanged().update(update({ labels: { a: '1' } }, { labels: { a: '1' } })), false);
    assert.equal(labelChanged().update(update({ labels: { a: '1' } }, { labels: { a: '2' } })), true);
    assert.equal(labelChanged().update(update({ labels: { a: '1' } }, { labels: { b: '1' } })), true);
    assert.equal(labelChanged().update(update({}, { labels: {} })), false);
    assert.equal(annotationChanged().update(update({ annotations: { x: 'y' } }, {})), true);
    assert.equal(annotationChanged().update(update({ labels: { a: '1' } }, {})), false);
  });

  it('labelSelector applies matchLabels and every matchExpressions operator', () => {
    const p = labelSelector({
      matchLabels: { app: 'memcached' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['cache', 'proxy'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'owner', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    const base = { app: 'memcached', tier: 'proxy', owner: 'x' };
    assert.equal(p.create(create({ labels: base })), true);
    assert.equal(p.create(create({ labels: { ...base, env: 'prod' } })), true);
    assert.equal(p.create(create({ labels: { ...base, env: 'dev' } })), false);
    assert.equal(p.create(create({ labels: { ...base, tier: 'db' } })), false);
    assert.equal(p.create(create({ labels: { ...base, legacy: '' } })), false);
    assert.equal(p.create(create({ labels: { app: 'memcached', tier: 'cache' } })), false);
    assert.equal(
      p.update(update({ labels: base }, { labels: { app: 'other' } })),
      false,
      'judges the new object',
    );
    assert.equal(labelSelector({}).create(create()), true, 'empty selector matches everything');
  });

  it('and/or/not combine predicates per event type', () => {
    const spec = generationChanged();
    const labels = labelChanged();
    const either = or(spec, labels);
    const both = and(spec, labels);
    const labelOnly = update({ generation: 1, labels: { a: '1' } }, { generation: 1, labels: { a: '2' } });
    assert.equal(either.update(labelOnly), true);
    assert.equal(both.update(labelOnly), false);
    assert.equal(not(spec).update(labelOnly), true);
    assert.equal(and().create(create()), true);
    assert.equal(or().create(create()), false);
  });

  it('custom functions: missing ones pass; newPredicateFuncs tests every event object', () => {
    const noDeletes = predicateFuncs({ delete: () => false });
    assert.equal(noDeletes.delete({ object: obj({}) }), false);
    assert.equal(noDeletes.create(create()), true);
    const inNs = newPredicateFuncs((o) => o.metadata?.namespace === 'kube-system');
    assert.equal(inNs.create(create()), false);
    assert.equal(inNs.generic({ object: obj({ namespace: 'kube-system' }) }), true);
  });
});
