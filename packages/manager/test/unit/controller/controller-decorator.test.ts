import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { container } from 'tsyringe';
import { Controller, getControllerMetadata, watch } from '../../../src/controller/index.js';
import { enqueueRequestsFromMapFunc } from '../../../src/handler/index.js';
import { ConfigMap, Deployment, EndpointSlice } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { generationChanged } from '../../../src/predicate/index.js';
import type { Reconciler, Request } from '../../../src/reconcile/index.js';

const Memcached = defineKind({
  group: 'cache.spoke.dev',
  version: 'v1alpha1',
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});

class Greeting {
  readonly text = 'hello';
}

const toMemcached = (): Request[] => [{ namespace: 'default', name: 'web' }];

@Controller({
  name: 'proxy-config',
  for: Memcached,
  owns: [ConfigMap],
  watches: [watch({ kind: EndpointSlice, handler: enqueueRequestsFromMapFunc(toMemcached) })],
  writes: ConfigMap,
  maxConcurrentReconciles: 2,
  predicates: [generationChanged()],
  reconcileTimeoutMs: 5000,
})
class ProxyConfigController implements Reconciler {
  constructor(readonly greeting: Greeting) {}
  async reconcile(): Promise<void> {
    // nothing to do in a metadata test
  }
}

@Controller({ name: 'status', for: Deployment })
class StatusController implements Reconciler {
  async reconcile(): Promise<void> {
    // nothing to do in a metadata test
  }
}

describe('@Controller', () => {
  it('records its declaration, readable with getControllerMetadata', () => {
    const meta = getControllerMetadata(ProxyConfigController);
    assert.ok(meta);
    assert.equal(meta.name, 'proxy-config');
    assert.equal(meta.for, Memcached);
    assert.deepEqual(meta.owns, [ConfigMap]);
    assert.equal(meta.watches[0]?.kind, EndpointSlice);
    assert.equal(meta.writes, ConfigMap);
    assert.equal(meta.maxConcurrentReconciles, 2);
    assert.equal(meta.reconcileTimeoutMs, 5000);
    assert.equal(meta.predicates.length, 1);
  });

  it('applies defaults: one worker, no owns, watches, predicates or writes', () => {
    const meta = getControllerMetadata(StatusController);
    assert.ok(meta);
    assert.equal(meta.maxConcurrentReconciles, 1);
    assert.deepEqual([meta.owns, meta.watches, meta.predicates, meta.writes], [[], [], [], undefined]);
  });

  it('returns undefined for undecorated classes, and for subclasses (metadata is not inherited)', () => {
    class Plain {}
    class Sub extends StatusController {}
    assert.equal(getControllerMetadata(Plain), undefined);
    assert.equal(getControllerMetadata(Sub), undefined);
  });

  it('makes the class injectable: its constructor parameters are resolved by type', () => {
    const child = container.createChildContainer();
    const instance = child.resolve(ProxyConfigController);
    assert.equal(instance.greeting.text, 'hello');
  });

  it('rejects names that cannot label metrics and bad worker counts', () => {
    assert.throws(() => Controller({ name: 'Not_A_Label', for: Memcached }), /DNS label/);
    assert.throws(
      () => Controller({ name: 'x', for: Memcached, maxConcurrentReconciles: 0 }),
      /positive integer/,
    );
    assert.throws(() => Controller({ name: 'x', for: Memcached, reconcileTimeoutMs: -1 }), /positive/);
  });
});
