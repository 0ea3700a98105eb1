import type { ProjectOptions } from '../../scaffold/scaffold-context.js';
import type { NewFile } from '../../scaffold/scaffold-step.js';

/** Where `spoke create api` adds imports and entries; a user keeps these lines where code should go. */
export const markers = {
  imports: '// +spoke:scaffold:imports',
  controllers: '// +spoke:scaffold:controllers',
  customResources: '// +spoke:scaffold:customresources',
  webhooks: '// +spoke:scaffold:webhooks',
} as const;

/** A TypeScript file with the license header. */
export function tsFile(path: string, header: string, body: string): NewFile {
  return { kind: 'new', path, content: header === '' ? body : `${header}\n${body}`, ifExists: 'refuse' };
}

/** src/cmd/main.ts: the manager, with kubebuilder's flags. */
export function mainTs(options: ProjectOptions, header: string): NewFile {
  return tsFile(
    'src/cmd/main.ts',
    header,
    `/**
 * The ${options.projectName} manager: runs the controllers of src/controller/index.ts against the cluster of
 * \`--kubeconfig\`, the in-cluster ServiceAccount, \`$KUBECONFIG\` or \`~/.kube/config\`. SIGTERM or SIGINT stops it
 * once the reconciles in flight are done.
 *
 * It takes the flags of kubebuilder's scaffolded main.go, with Go's syntax, so that config/manager/manager.yaml
 * reads as it does there: --metrics-bind-address, --health-probe-bind-address, --leader-elect, --metrics-secure,
 * --metrics-cert-path/-name/-key, --webhook-cert-path/-name/-key, --enable-http2, --kubeconfig and the --zap-*
 * logging flags; --help lists them. The webhooks of src/webhook/index.ts are served on :9443 (none: no server).
 */
import {
  type KubeConfig,
  KubeConfigError,
  loadKubeConfig,
  Manager,
  managerOptionsFromFlags,
  newLoggerFromFlags,
  parseManagerFlagsOrExit,
} from '@spoke/manager';
import { controllers } from '../controller/index.js';
import { webhooks } from '../webhook/index.js';

/** The Lease that replicas run with --leader-elect compete for (kubebuilder's LeaderElectionID). */
const leaderElectionId = '${options.projectName}.${options.domain}';

async function main(): Promise<void> {
  // An unknown flag or a bad value: one line naming it, then the usage, exit 2 (as Go's flag package).
  const flags = parseManagerFlagsOrExit(process.argv.slice(2), { program: 'manager' });
  const logger = newLoggerFromFlags(flags, { defaultMeta: { logger: 'setup' } });
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig(flags.kubeconfig);
  } catch (error: unknown) {
    if (!(error instanceof KubeConfigError)) throw error;
    // As ctrl.GetConfigOrDie: which file, and why.
    logger.error('unable to get kubeconfig', { error: error.message });
    process.exit(1);
  }
  const options = managerOptionsFromFlags(flags, { leaderElectionId });
  const manager = Manager.create({
    ...options,
    // Without --webhook-cert-path, a run from your machine (\`make run\`): the webhook server makes itself a
    // self-signed certificate. config/default passes the path of the certificate cert-manager issues.
    webhookServer: { ...options.webhookServer, selfSigned: flags.webhookCertPath === undefined },
    name: '${options.projectName}',
    kubeConfig,
    logger,
  });
  manager.register(...controllers);
  manager.registerWebhooks(...webhooks);
  logger.info('starting manager', {
    controllers: manager.controllerMetadata.map((c) => c.name),
    webhooks: webhooks.map((w) => w.kind.kind),
  });
  try {
    await manager.start(Manager.setupSignalHandler());
  } catch (error: unknown) {
    logger.error('problem running manager', {
      error: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {}),
    });
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
`,
  );
}

/** src/controller/index.ts: the one list of controllers, which main.ts registers and \`make manifests\` reads. */
export function controllersIndexTs(header: string): NewFile {
  return tsFile(
    'src/controller/index.ts',
    header,
    `import type { ReconcilerClass } from '@spoke/manager';
${markers.imports}

/**
 * Every controller of the manager, in the order it registers them. The same list is what \`make manifests\` derives
 * the manager's ClusterRole from, so a controller cannot run without its RBAC. \`spoke create api\` adds to it.
 */
export const controllers: readonly ReconcilerClass[] = [
  ${markers.controllers}
];
`,
  );
}

/** src/webhook/index.ts: the one list of webhooks, which main.ts registers and \`make manifests\` reads. */
export function webhooksIndexTs(header: string): NewFile {
  return tsFile(
    'src/webhook/index.ts',
    header,
    `import type { WebhookDeclaration } from '@spoke/manager';
${markers.imports}

/**
 * Every webhook of the manager: main.ts serves them (the manager's webhook server, on :9443), and \`make manifests\`
 * writes config/webhook/manifests.yaml and the CRDs' conversion from the same declarations, so the API server calls
 * exactly what runs. \`spoke create webhook\` adds to it.
 */
export const webhooks: readonly WebhookDeclaration[] = [
  ${markers.webhooks}
];
`,
  );
}

/** src/manifest-sources.ts: what \`make manifests\` reads. */
export function manifestSourcesTs(header: string): NewFile {
  return tsFile(
    'src/manifest-sources.ts',
    header,
    `/**
 * What \`make manifests\` (spoke-manifests) reads: the custom resources whose CRDs it writes to config/crd/bases,
 * the controllers whose declarations become config/rbac/role.yaml, and the webhooks of
 * config/webhook/manifests.yaml. Importing this module starts nothing.
 */
import type { CustomResourceSource } from '@spoke/manifests';
${markers.imports}

export const customResources: readonly CustomResourceSource[] = [
  ${markers.customResources}
];

export { controllers } from './controller/index.js';
export { webhooks } from './webhook/index.js';
`,
  );
}

/** test/support/test-environment.ts: kubebuilder's suite_test.go, on @spoke/envtest. */
export function testEnvironmentTs(header: string): NewFile {
  return tsFile(
    'test/support/test-environment.ts',
    header,
    `import { fileURLToPath } from 'node:url';
import { ControlPlane } from '@spoke/envtest';
import { Manager, newLogger, type ReconcilerClass, type WebhookDeclaration } from '@spoke/manager';

/** What \`make manifests\` writes (\`make test\` runs it first), from dist/test/support/ to the project root. */
const crdDir = fileURLToPath(new URL('../../../config/crd/bases/', import.meta.url));
const webhookDir = fileURLToPath(new URL('../../../config/webhook/', import.meta.url));

/** A real control plane with this project's CRDs, and a manager running some controllers on it. */
export interface TestEnvironment {
  /** etcd and kube-apiserver on loopback; \`controlPlane.kubeConfig\` is an admin's. */
  readonly controlPlane: ControlPlane;
  /** The manager under test; its \`client\` is unguarded, for a test's own setup. */
  readonly manager: Manager;
  /** Stops the manager (its reconciles drain), then the control plane. */
  stop(): Promise<void>;
}

/** Options of {@link startTestEnvironment}. */
export interface TestEnvironmentOptions {
  /**
   * Simulated nodes (kwok): with nodes, kube-controller-manager and kube-scheduler run too, so Deployments get
   * Pods that become Ready. Default 0: etcd and kube-apiserver only, the fastest start. Nodes need the full set of
   * binaries: \`ENVTEST_FLAGS= make test\` builds it once.
   */
  readonly nodes?: number;
  /**
   * Webhooks the manager serves. With any, the configurations of config/webhook (and the CRDs' conversion) are
   * installed pointing at this process's webhook server, with the control plane's test CA, so the API server calls
   * them as a cluster would (controller-runtime's WebhookInstallOptions).
   */
  readonly webhooks?: readonly WebhookDeclaration[];
}

/**
 * Starts etcd and kube-apiserver (binaries from \`make envtest\`: \`$SPOKE_ASSETS\`, \`$KUBEBUILDER_ASSETS\` or the
 * user cache), installs the CRDs, and starts a manager with \`controllers\` (and \`options.webhooks\`); resolves once
 * it reconciles (its webhook server listens by then). Start one per test file, in \`before\`: a control plane
 * takes a few seconds to start.
 */
export async function startTestEnvironment(
  controllers: readonly ReconcilerClass[],
  options: TestEnvironmentOptions = {},
): Promise<TestEnvironment> {
  const webhooks = options.webhooks ?? [];
  const controlPlane = await ControlPlane.start({
    crdPaths: [crdDir],
    nodes: options.nodes ?? 0,
    ...(webhooks.length > 0 ? { webhookInstallOptions: { paths: [webhookDir] } } : {}),
  });
  const stopping = new AbortController();
  try {
    const serving = controlPlane.webhookInstallOptions;
    const manager = Manager.create({
      kubeConfig: controlPlane.kubeConfig,
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      logger: newLogger({ level: process.env['LOG_LEVEL'] ?? 'warn' }),
      ...(webhooks.length > 0 && serving !== undefined
        ? {
            webhookServer: {
              host: serving.localServingHost,
              port: serving.localServingPort,
              certDir: serving.localServingCertDir,
            },
          }
        : {}),
    });
    manager.register(...controllers);
    manager.registerWebhooks(...webhooks);
    const running = manager.start(stopping.signal);
    // The webhook server listens before the cache syncs, so once elected the API server can call it.
    await Promise.race([
      manager.elected(),
      running.then(() => {
        throw new Error('the manager stopped before it started reconciling');
      }),
    ]);
    return {
      controlPlane,
      manager,
      async stop() {
        stopping.abort();
        await running;
        await controlPlane.stop();
      },
    };
  } catch (error: unknown) {
    stopping.abort();
    await controlPlane.stop();
    throw error;
  }
}
`,
  );
}
