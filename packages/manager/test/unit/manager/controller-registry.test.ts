import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { container } from 'tsyringe';
import { SharedInformerCache } from '../../../src/cache/shared-informer-cache.js';
import { KubeClient } from '../../../src/client/kube-client.js';
import { Controller } from '../../../src/controller/index.js';
import { ConfigMap, Secret } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { newLogger } from '../../../src/log/index.js';
import { ControllerRegistry } from '../../../src/manager/controller-registry.js';
import { Manager } from '../../../src/manager/index.js';
import type { Reconciler } from '../../../src/reconcile/index.js';

const Memcached = defineKind({
  group: 'cache.spoke.dev',
  version: 'v1alpha1',
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});

/** Registration sends no request: a kubeconfig pointing nowhere is enough. */
function nowhere(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'nowhere', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'nobody', token: 'x' }],
    contexts: [{ name: 'nowhere', cluster: 'nowhere', user: 'nobody' }],
    currentContext: 'nowhere',
  });
  return kubeConfig;
}

function newManager(): Manager {
  return Manager.create({ kubeConfig: nowhere(), logger: newLogger({ level: 'error' }) });
}

class Noop implements Reconciler {
  async reconcile(): Promise<void> {
    // registration only
  }
}

@Controller({ name: 'config-writer', for: Memcached, writes: ConfigMap })
class ConfigWriter extends Noop {}

@Controller({ name: 'other-config-writer', for: Memcached, writes: ConfigMap })
class OtherConfigWriter extends Noop {}

@Controller({ name: 'status-writer', for: Memcached, writes: { kind: Memcached, subresource: 'status' } })
class StatusWriter extends Noop {}

@Controller({
  name: 'other-status-writer',
  for: Memcached,
  writes: { kind: Memcached, subresource: 'status' },
})
class OtherStatusWriter extends Noop {}

@Controller({ name: 'memcached-writer', for: Memcached, writes: Memcached })
class MemcachedWriter extends Noop {}

@Controller({ name: 'secret-writer', for: ConfigMap, writes: Secret })
class SecretWriter extends Noop {}

@Controller({ name: 'reader', for: Memcached })
class Reader extends Noop {}

@Controller({ name: 'other-reader', for: Memcached })
class OtherReader extends Noop {}

describe('Manager.register: one writer per write target', () => {
  it('refuses a second controller writing a kind already written, naming both', () => {
    const manager = newManager().register(ConfigWriter);
    assert.throws(
      () => manager.register(OtherConfigWriter),
      /controller other-config-writer declares that it writes core\/v1\/ConfigMap, which controller config-writer already writes/,
    );
    assert.deepEqual(
      manager.controllerMetadata.map((m) => m.name),
      ['config-writer'],
      'the refused controller is not registered',
    );
  });

  it('refuses a second writer of a kind’s status', () => {
    const manager = newManager().register(StatusWriter);
    assert.throws(
      () => manager.register(OtherStatusWriter),
      /controller other-status-writer declares that it writes cache\.spoke\.dev\/v1alpha1\/Memcached status, which controller status-writer already writes/,
    );
  });

  it('treats a kind and its status as two targets, and lets read-only controllers share a kind', () => {
    const manager = newManager().register(
      StatusWriter,
      MemcachedWriter,
      ConfigWriter,
      SecretWriter,
      Reader,
      OtherReader,
    );
    assert.equal(manager.controllerMetadata.length, 6);
  });

  it('refuses a duplicate name and a class that is not a controller', () => {
    const manager = newManager().register(Reader);
    assert.throws(() => manager.register(Reader), /a controller named reader is already registered/);
    assert.throws(() => manager.register(Noop), /Noop is not a controller/);
  });
});

describe('ControllerRegistry.start: failures are loud', () => {
  function newRegistry(kubeConfig: KubeConfig, cache: SharedInformerCache): ControllerRegistry {
    const logger = newLogger({ level: 'error' });
    const registry = new ControllerRegistry({
      managerName: 'test',
      reportingInstance: 'test-0',
      kubeConfig,
      cache,
      client: new KubeClient({ kubeConfig, cache }),
      container: container.createChildContainer(),
      logger,
      fence: () => undefined,
    });
    registry.register(Reader);
    return registry;
  }

  it('refuses to start the controllers twice', async () => {
    // Never started: the first start waits for a sync that cannot come, until stop aborts it.
    const kubeConfig = nowhere();
    const registry = newRegistry(kubeConfig, new SharedInformerCache({ kubeConfig }));
    const first = registry.start();
    try {
      assert.throws(() => registry.start(), /the controllers were already started/);
    } finally {
      await registry.stop('abort');
      await first;
    }
  });

  it('rejects, naming the controller, when a controller fails to start', async () => {
    class BrokenCache extends SharedInformerCache {
      override waitForCacheSync(): Promise<boolean> {
        return Promise.reject(new Error('the cache broke'));
      }
    }
    const kubeConfig = nowhere();
    const registry = newRegistry(kubeConfig, new BrokenCache({ kubeConfig }));
    await assert.rejects(registry.start(), /controller reader failed to start: the cache broke/);
    await registry.stop('abort');
  });
});
