import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ControlPlane } from '@spoke/envtest';
import { Manager, newLogger } from '@spoke/manager';
import { webhooks } from '../../src/webhooks/index.js';

export const crdDir = fileURLToPath(new URL('../../../../../config/crd/bases', import.meta.url));
export const webhookDir = fileURLToPath(new URL('../../../../../config/webhook', import.meta.url));

/** A control plane whose API server calls the operator's webhooks, served by a manager in this process. */
export interface WebhookCluster {
  readonly env: ControlPlane;
  readonly manager: Manager;
  /** Stops the manager (and with it the webhook server), leaving the control plane running. */
  stopManager(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * envtest's webhookInstallOptions with the generated config/webhook and CRD: the API server calls the webhooks and
 * the conversion over loopback, with the test CA. Only the webhooks are registered: no controller writes, so what a
 * test reads is what the API server and the webhooks made of its own writes.
 */
export async function startWebhookCluster(
  options: { crdPaths?: readonly string[]; installWebhooks?: boolean } = {},
): Promise<WebhookCluster> {
  const env = await ControlPlane.start({
    crdPaths: options.crdPaths ?? [crdDir],
    webhookInstallOptions: { paths: options.installWebhooks === false ? [] : [webhookDir] },
  });
  const serving = env.webhookInstallOptions;
  if (serving === undefined) throw new Error('envtest did not report webhookInstallOptions');
  const manager = Manager.create({
    kubeConfig: env.kubeConfig,
    metricsBindAddress: '0',
    healthProbeBindAddress: '0',
    logger: newLogger({ level: 'warn' }),
    webhookServer: {
      host: serving.localServingHost,
      port: serving.localServingPort,
      certDir: serving.localServingCertDir,
    },
  });
  manager.registerWebhooks(...webhooks);
  const stopping = new AbortController();
  const running = manager.start(stopping.signal);
  // serving() resolves once every server listens, the webhook server's included (it starts before the cache); with
  // no controller, start() then waits for the signal, so its settling first means it failed.
  await Promise.race([
    manager.serving(),
    running.then(() => {
      throw new Error('the manager stopped before its webhook server served');
    }),
  ]);
  if (options.installWebhooks !== false) await waitForWebhooks(env.kubeconfigPath);
  let managerStopped: Promise<void> | undefined;
  const stopManager = (): Promise<void> => {
    managerStopped ??= (async () => {
      stopping.abort();
      await running;
    })();
    return managerStopped;
  };
  return {
    env,
    manager,
    stopManager,
    async stop() {
      await stopManager();
      await env.stop();
    },
  };
}

/**
 * Resolves once the API server calls both admission webhooks: a server-side dry run of a Memcached with no servers
 * comes back defaulted (the proxy image) and with the validator's warning. The API server loads webhook
 * configurations from an informer, a moment after they are written; only such a positive witness shows it has.
 */
export async function waitForWebhooks(kubeconfig: string, timeoutMs = 30_000): Promise<void> {
  const probe = JSON.stringify({
    apiVersion: 'cache.spoke.dev/v1beta1',
    kind: 'Memcached',
    metadata: { name: 'webhook-probe', namespace: 'default' },
    spec: { servers: { replicas: 0 } },
  });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const child = execFileAsync('kubectl', [
      `--kubeconfig=${kubeconfig}`,
      'create',
      '--dry-run=server',
      '-o',
      'json',
      '-f',
      '-',
    ]);
    child.child.stdin?.end(probe);
    try {
      const { stdout, stderr } = await child;
      const image = (JSON.parse(stdout) as { spec?: { proxy?: { image?: string } } }).spec?.proxy?.image;
      if (image !== undefined && stderr.includes('Warning: servers.replicas is 0')) return;
      last = `image ${String(image)}, stderr: ${stderr}`;
    } catch (err: unknown) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API server did not call the Memcached webhooks within ${timeoutMs} ms; last: ${last}`);
}

const execFileAsync = promisify(execFile);
