import 'reflect-metadata';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { newLogger } from '../../../src/log/index.js';
import { Manager } from '../../../src/manager/index.js';
import { webhookFor } from '../../../src/webhook/index.js';

/** No request is sent before the webhook server starts: a kubeconfig pointing nowhere is enough. */
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

const defaulting = () => webhookFor(ConfigMap, { defaulter: { default: () => undefined } });

describe('Manager.registerWebhooks', () => {
  it('refuses two declarations on one path', () => {
    const manager = Manager.create({ kubeConfig: nowhere(), logger: newLogger({ level: 'error' }) });
    manager.registerWebhooks(defaulting());
    assert.deepEqual(manager.webhookServer.paths, ['/mutate-core-v1-configmap']);
    assert.throws(
      () => manager.registerWebhooks(defaulting()),
      /already registered on \/mutate-core-v1-configmap/,
    );
  });

  it('makes start() fail, naming the files, when the webhook certificate is missing; then refuses registration', async () => {
    const manager = Manager.create({
      kubeConfig: nowhere(),
      logger: newLogger({ level: 'error' }),
      metricsBindAddress: '0',
      healthProbeBindAddress: '127.0.0.1:0',
      webhookServer: { host: '127.0.0.1', port: 0, certDir: join(tmpdir(), 'spoke-no-such-dir') },
    });
    manager.registerWebhooks(defaulting());
    await assert.rejects(manager.start(), /spoke-no-such-dir\/tls\.crt/);
    assert.throws(() => manager.registerWebhooks(defaulting()), /before starting the manager/);
  });
});
