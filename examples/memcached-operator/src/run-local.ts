#!/usr/bin/env node
/**
 * `make run`: runs the operator against a cluster from this machine, as kubebuilder's `make run` does.
 *
 * - With a reachable cluster in the current kubeconfig: installs the CRD and runs the manager against it, its
 *   webhook server on 127.0.0.1:9443 with a self-signed certificate (that cluster calls the webhooks it was
 *   configured with: `make deploy`'s, through cert-manager).
 * - With none (or with `--simulated`): starts a simulated cluster (@spoke/envtest: etcd, kube-apiserver,
 *   kube-controller-manager, kube-scheduler and kwok nodes) with the CRD and the webhook configurations pointed at
 *   this machine (envtest's webhookInstallOptions), runs the manager, applies config/samples once it is ready; prints
 *   how to point kubectl at the cluster.
 *
 * The manager runs in the foreground with readable logs; Ctrl-C stops it and, for a simulated cluster, the cluster.
 *
 *   node examples/memcached-operator/dist/src/run-local.js [--simulated] [--nodes 2] [--log-level info]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { CustomResourceDefinition, KubeClient, loadKubeConfig, type KubeConfig } from '@spoke/manager';
import { parseAllDocuments } from 'yaml';
import { MemcachedKind } from './api/v1alpha1/memcached-kind.js';
import type { Memcached } from './api/v1alpha1/memcached.js';
import { prettyLogLine } from './cmd/pretty-log-line.js';
import { OperatorName } from './contract/labels.js';

const repoRoot = new URL('../../../../', import.meta.url);
const crdDir = fileURLToPath(new URL('config/crd/bases/', repoRoot));
const webhookDir = fileURLToPath(new URL('config/webhook/', repoRoot));
const readyzUrl = 'http://127.0.0.1:8081/readyz';
const samplesDir = fileURLToPath(new URL('config/samples/', repoRoot));
const buildScript = fileURLToPath(new URL('hack/control-plane/build.sh', repoRoot));
const managerScript = fileURLToPath(new URL('main.js', import.meta.url));

function say(text: string): void {
  console.error(`\x1b[36mmake run:\x1b[0m ${text}`);
}

/** The YAML documents of the files in `dir` (or those a kustomization.yaml there lists). */
function readManifests<T extends KubernetesObject>(dir: string): T[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  let listed = files.filter((f) => f !== 'kustomization.yaml');
  if (files.includes('kustomization.yaml')) {
    const kustomization = parseAllDocuments(readFileSync(`${dir}/kustomization.yaml`, 'utf8'))[0]?.toJS() as
      | { resources?: string[] }
      | undefined;
    listed = kustomization?.resources ?? listed;
  }
  return listed.flatMap((f) =>
    parseAllDocuments(readFileSync(`${dir}/${f}`, 'utf8'))
      .map((d) => d.toJS() as T | null)
      .filter((o): o is T => o !== null),
  );
}

/**
 * The simulated cluster's binaries: built now (once, from the Go module proxy; progress on stderr) or reused from the
 * cache. Only here, so that `make run` against a real cluster never builds them.
 */
function controlPlaneAssets(): string {
  // The script honours SPOKE_ASSETS: binaries from elsewhere are used (or built) there.
  const result = spawnSync('bash', [buildScript], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${buildScript} failed (exit ${result.status ?? result.signal ?? '?'})`);
  return result.stdout.trim().split('\n').at(-1) ?? '';
}

/** Whether the current kubeconfig names an API server that answers, within a few seconds. */
async function reachableCluster(): Promise<KubeConfig | undefined> {
  try {
    const kc = loadKubeConfig();
    const cluster = kc.getCurrentCluster();
    if (!cluster || !kc.getCurrentContext()) return undefined;
    const client = new KubeClient({ kubeConfig: kc });
    const probe = client.get(CustomResourceDefinition, {
      name: `${MemcachedKind.plural}.${MemcachedKind.group}`,
    });
    await Promise.race([
      probe,
      new Promise((_, reject) =>
        setTimeout(() => {
          reject(new Error('timeout'));
        }, 3000),
      ),
    ]);
    return kc;
  } catch {
    return undefined;
  }
}

/** Server-side applies the CRDs and waits until the API serves Memcached. */
async function installCrds(kc: KubeConfig): Promise<void> {
  const client = new KubeClient({ kubeConfig: kc });
  for (const crd of readManifests(crdDir)) {
    await client.apply(CustomResourceDefinition, crd, { fieldManager: OperatorName, force: true });
    say(`installed CRD ${crd.metadata?.name ?? ''}`);
  }
  for (let i = 0; i < 100; i++) {
    try {
      await client.list(MemcachedKind, { namespace: 'default', uncached: true });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('the Memcached CRD did not become served');
}

/** Where the manager's webhook server listens and finds its certificate. */
interface WebhookServing {
  readonly host: string;
  readonly port: number;
  readonly certDir: string;
  /** Write a self-signed certificate into certDir (a real cluster does not call it: nothing to trust). */
  readonly selfSigned: boolean;
}

/** A running manager: its exit code once it exits. */
interface RunningManager {
  readonly exited: Promise<number>;
  /** SIGTERM, once: the manager drains and exits. */
  stop(): void;
}

/** Resolves once the manager's /readyz answers 200 (webhook server serving, caches synced); rejects if it exits. */
async function managerReady(manager: RunningManager): Promise<void> {
  let exited: number | undefined;
  void manager.exited.then((code) => (exited = code));
  for (let i = 0; i < 600; i++) {
    if (exited !== undefined) throw new Error(`the manager exited (${exited}) before it was ready`);
    try {
      if ((await fetch(readyzUrl)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the manager was not ready at ${readyzUrl} within 60 s`);
}

/** Runs the manager binary in the foreground, its JSON log lines made readable. */
function runManager(
  kubeconfigPath: string | undefined,
  logLevel: string,
  webhook: WebhookServing,
): RunningManager {
  const args = [
    '--enable-source-maps',
    managerScript,
    `--log-level=${logLevel}`,
    '--metrics-bind-address=127.0.0.1:8080',
    // Loopback only, read by this process: plain HTTP, no TokenReview round trips.
    '--metrics-secure=false',
    '--health-probe-bind-address=127.0.0.1:8081',
    `--webhook-host=${webhook.host}`,
    `--webhook-port=${webhook.port}`,
    `--webhook-cert-path=${webhook.certDir}`,
    ...(webhook.selfSigned ? ['--webhook-self-signed'] : []),
  ];
  if (kubeconfigPath) args.push(`--kubeconfig=${kubeconfigPath}`);
  // Its own process group, so that Ctrl-C reaches only this script, which then stops the manager exactly once
  // (a second signal would make the manager exit at once, without draining).
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (l) => {
      console.log(prettyLogLine(l));
    });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    say('stopping the manager...');
    child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stop,
    exited: new Promise((resolve) =>
      child.on('exit', (code) => {
        resolve(code ?? 0);
      }),
    ),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      simulated: { type: 'boolean', default: false },
      nodes: { type: 'string', default: '2' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const logLevel = values['log-level'];
  const existing = values.simulated ? undefined : await reachableCluster();
  if (existing) {
    say(
      `using the cluster of the current kubeconfig context "${existing.getCurrentContext()}" (${existing.getCurrentCluster()?.server ?? ''})`,
    );
    await installCrds(existing);
    const certDir = mkdtempSync(join(tmpdir(), 'memcached-webhook-'));
    const webhook = { host: '127.0.0.1', port: 9443, certDir, selfSigned: true };
    say(
      `webhooks served on https://127.0.0.1:9443 (self-signed); the cluster calls those it is configured with (make deploy)`,
    );
    process.exit(await runManager(process.env['KUBECONFIG']?.split(':')[0], logLevel, webhook).exited);
  }

  say(
    values.simulated
      ? 'starting a simulated cluster (--simulated)...'
      : 'no reachable cluster in the current kubeconfig: starting a simulated cluster...',
  );
  // Imported only here: the simulated cluster is a development tool, not part of the operator.
  const { ControlPlane } = await import('@spoke/envtest');
  const assetsDir = controlPlaneAssets();
  const started = Date.now();
  // The API server converts v1alpha1 through the manager's webhook: envtest points the CRD's conversion and the
  // webhook configurations at this machine, with a serving certificate it trusts.
  const env = await ControlPlane.start({
    nodes: Number(values.nodes),
    crdPaths: [crdDir],
    assetsDir,
    webhookInstallOptions: { paths: [webhookDir] },
  });
  say(
    `simulated cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${env.server} (${env.nodeNames.length} kwok nodes)`,
  );
  const serving = env.webhookInstallOptions;
  if (serving === undefined) throw new Error('envtest did not set up the webhook serving certificate');
  const manager = runManager(env.kubeconfigPath, logLevel, {
    host: serving.localServingHost,
    port: serving.localServingPort,
    certDir: serving.localServingCertDir,
    selfSigned: false,
  });
  try {
    // The samples are v1alpha1: written once the manager serves the conversion (its /readyz says so).
    await managerReady(manager);
    const client = new KubeClient({ kubeConfig: env.kubeConfig });
    for (const sample of readManifests<Memcached>(samplesDir)) {
      // Samples carry no namespace, as kubebuilder's: they go where `kubectl apply -k` would put them.
      const namespaced = structuredClone(sample);
      namespaced.metadata ??= {};
      namespaced.metadata.namespace ??= 'default';
      await client.create(MemcachedKind, namespaced);
      say(`created Memcached default/${sample.metadata?.name ?? ''} from config/samples`);
    }
  } catch (err: unknown) {
    manager.stop();
    await manager.exited;
    await env.stop();
    throw err;
  }
  say(
    `point kubectl at it:\n\n    export KUBECONFIG=${env.kubeconfigPath}\n    kubectl get memcached,statefulsets,deployments,configmaps,pods\n\n  Ctrl-C stops the manager and the cluster.\n`,
  );
  const code = await manager.exited;
  say('stopping the simulated cluster...');
  await env.stop();
  say('stopped, nothing left behind');
  process.exit(code);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
