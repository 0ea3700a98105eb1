import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type {
  ComponentInfo,
  ControlPlaneOptions,
  InstalledWebhookOptions,
  RestartApiServerOptions,
  UserIdentity,
} from './control-plane-options.js';
import {
  allBinaries,
  apiServerBinaries,
  type ComponentBinary,
  locateAssets,
  requireBinaries,
} from './assets/locate-assets.js';
import { CertificateAuthority } from './internal/certificate-authority.js';
import {
  apiServerFlags,
  type ControlPlaneLayout,
  controllerManagerFlags,
  etcdFlags,
  frontProxyUser,
  kubernetesServiceIP,
  kwokFlags,
  schedulerFlags,
  toArgs,
} from './internal/component-flags.js';
import { ComponentProcess } from './internal/component-process.js';
import { type CustomResourceDefinition, installCRDs } from './internal/crd-installer.js';
import { freePorts } from './free-ports.js';
import { type HttpsCaller, httpsRequest, type HttpsResponse } from './internal/https-request.js';
import { buildKubeConfig, writeKubeConfig } from './internal/kubeconfig.js';
import { kwokNode, kwokNodeLabel, kwokNodeName } from './internal/kwok-node.js';
import { type Reaper, startReaper } from './internal/reaper.js';
import {
  installWebhooks,
  prepareWebhookServing,
  rewriteCrdConversion,
  type WebhookServing,
} from './internal/webhook-installer.js';

const defaultStartTimeoutMs = 60_000;
const adminUser = 'spoke-envtest-admin';

/** What start() has set up, handed to the constructor in one piece. */
interface ControlPlaneState {
  readonly dir: string;
  readonly layout: ControlPlaneLayout;
  readonly ca: CertificateAuthority;
  readonly admin: HttpsCaller;
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly components: Map<string, ComponentProcess>;
  readonly nodeNames: readonly string[];
  readonly startTimeoutMs: number;
  readonly reaper: Reaper;
  readonly webhookServing?: WebhookServing;
  readonly webhooks?: InstalledWebhookOptions;
}

/**
 * A real Kubernetes control plane on loopback for tests: etcd and kube-apiserver, and with `nodes > 0` also
 * kube-controller-manager, kube-scheduler and kwok simulating that many Ready nodes, so Deployments get Running
 * Pods with IPs and Services get EndpointSlices.
 *
 * Everything lives in a fresh temporary directory (data, certificates, kubeconfigs, one log per component) that
 * {@link ControlPlane.stop} removes. The components do not keep the test process alive: if it ends without calling
 * `stop()`, its exit handler kills them and removes the directory, and if it is killed (even by SIGKILL), a detached
 * reaper process does. Share one control plane per test file: starting one takes seconds.
 *
 * ```ts
 * const env = await ControlPlane.start({ crdPaths: ['config/crd/bases'] });
 * after(() => env.stop());
 * const api = env.kubeConfig.makeApiClient(CoreV1Api);
 * ```
 */
export class ControlPlane {
  private stopping: Promise<void> | undefined;
  private readonly onExit = (): void => {
    this.killNow();
  };

  private constructor(private readonly state: ControlPlaneState) {
    process.on('exit', this.onExit);
  }

  /**
   * Starts a control plane and resolves once it is ready: kube-apiserver answers `/readyz`, and with nodes, the
   * other components are healthy, the nodes Ready and the `default` ServiceAccount exists. A failed start leaves
   * nothing behind and throws an error that names the component and quotes the end of its log.
   */
  static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    try {
      return new ControlPlane(await startOnce(options));
    } catch (error: unknown) {
      // Free ports are picked before the components bind them, so another process may take one in between.
      if (error instanceof Error && /address already in use/i.test(error.message)) {
        return new ControlPlane(await startOnce(options));
      }
      throw error;
    }
  }

  /**
   * The admin: a client certificate in group `system:masters`, which RBAC never denies. The same instance on
   * every access; it stays valid across {@link restartApiServer} (same port, same CA).
   */
  get kubeConfig(): KubeConfig {
    return this.state.kubeConfig;
  }

  /** A kubeconfig file with the admin's credentials, for kubectl (`KUBECONFIG=...`) and other processes. */
  get kubeconfigPath(): string {
    return this.state.kubeconfigPath;
  }

  /** The API server's URL, `https://127.0.0.1:<port>`. */
  get server(): string {
    return `https://127.0.0.1:${this.state.layout.apiServerPort}`;
  }

  /** etcd's client URL, `http://127.0.0.1:<port>` (no TLS, loopback only), e.g. to compact it and provoke 410 Gone. */
  get etcdUrl(): string {
    return `http://127.0.0.1:${this.state.layout.etcdPort}`;
  }

  /** The temporary directory holding data, certificates and `logs/<component>.log`; removed by `stop()`. */
  get dir(): string {
    return this.state.dir;
  }

  /** The audit log kube-apiserver writes (JSON lines), when started with an `auditPolicy`; else `undefined`. */
  get auditLogPath(): string | undefined {
    return this.state.layout.audit?.logPath;
  }

  /**
   * With `webhookInstallOptions`: where the test's webhook server must listen and the directory of the certificate
   * the API server trusts, e.g. `Manager.create({ webhookServer: { host: o.localServingHost, port:
   * o.localServingPort, certDir: o.localServingCertDir } })`. Else `undefined`.
   */
  get webhookInstallOptions(): InstalledWebhookOptions | undefined {
    return this.state.webhooks;
  }

  /** The names of the simulated nodes (`kwok-node-0`, ...); empty with `nodes: 0`. */
  get nodeNames(): readonly string[] {
    return this.state.nodeNames;
  }

  /** The running components with their pids and log files. */
  get components(): readonly ComponentInfo[] {
    return [...this.state.components.values()].flatMap((c) =>
      c.pid === undefined ? [] : [{ name: c.name, pid: c.pid, logPath: c.logPath }],
    );
  }

  /**
   * A KubeConfig for any user: a new client certificate signed by the test CA, with `name` as CN and each group as
   * an O. Such a user can do nothing until RBAC allows it, which is what makes it useful for testing Roles.
   */
  userKubeConfig(identity: UserIdentity): KubeConfig {
    const { cert, key } = this.state.ca.issue({
      commonName: identity.name,
      organizations: identity.groups,
      usage: 'client',
    });
    return buildKubeConfig(this.endpoint(), identity.name, { kind: 'certificate', cert, key });
  }

  /**
   * A KubeConfig that authenticates as the ServiceAccount `namespace/name` (which must exist) with a token from
   * the TokenRequest API, valid for `expirationSeconds` (default 3600), as a Pod's projected token would be.
   */
  async serviceAccountKubeConfig(
    namespace: string,
    name: string,
    expirationSeconds = 3600,
  ): Promise<KubeConfig> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`;
    const res = await this.adminRequest('POST', path, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds },
    });
    if (res.status !== 201) {
      throw new Error(
        `envtest: TokenRequest for ServiceAccount ${namespace}/${name}: ${res.status} ${res.body}`,
      );
    }
    const { status } = JSON.parse(res.body) as { status: { token: string } };
    return buildKubeConfig(this.endpoint(), `system:serviceaccount:${namespace}:${name}`, {
      kind: 'token',
      token: status.token,
    });
  }

  /** The raw Prometheus text of kube-apiserver's `/metrics`, e.g. to count requests by `apiserver_request_total`. */
  async apiServerMetrics(): Promise<string> {
    const res = await this.adminRequest('GET', '/metrics');
    if (res.status !== 200)
      throw new Error(`envtest: GET /metrics from kube-apiserver: ${res.status} ${res.body}`);
    return res.body;
  }

  /**
   * Creates or replaces the CRDs in `paths` (files or folders, multi-document YAML) and waits until each is
   * Established and served by discovery. Returns the CRDs' names.
   */
  async installCRDs(paths: readonly string[]): Promise<string[]> {
    const serving = this.state.webhookServing;
    return installCRDs(
      (method, path, body) => this.adminRequest(method, path, body),
      paths,
      this.state.startTimeoutMs,
      serving === undefined ? undefined : (crd) => rewriteCrdConversion(crd, serving),
    );
  }

  /**
   * Stops kube-apiserver (SIGTERM, as in a rolling restart, or SIGKILL, as in a crash) and starts it again on the same
   * port with the same etcd, resolving once it is ready again. Clients see their connections and watches close; what
   * they do then is what a resilience test observes.
   */
  async restartApiServer(options: RestartApiServerOptions = {}): Promise<void> {
    const apiServer = this.component('kube-apiserver');
    await (options.signal === 'SIGKILL' ? apiServer.kill() : apiServer.stop());
    apiServer.start();
    await waitForApiServer(apiServer, this.state.admin, this.state.startTimeoutMs);
  }

  /**
   * Stops every component (kube-apiserver and etcd last), removes the directory and ends the reaper. Safe to call
   * more than once; later calls wait for the first.
   */
  async stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    const order = [['kwok', 'kube-scheduler', 'kube-controller-manager'], ['kube-apiserver'], ['etcd']];
    for (const names of order) {
      await Promise.all(names.map(async (name) => this.state.components.get(name)?.stop()));
    }
    this.state.reaper.dismiss();
    rmSync(this.state.dir, { recursive: true, force: true, maxRetries: 3 });
    process.off('exit', this.onExit);
  }

  /** On process exit without stop(): SIGKILL is all that can be done synchronously. */
  private killNow(): void {
    for (const { pid } of this.components) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.state.reaper.dismiss();
    rmSync(this.state.dir, { recursive: true, force: true });
  }

  private component(name: string): ComponentProcess {
    const component = this.state.components.get(name);
    if (component === undefined) throw new Error(`envtest: this control plane runs no ${name}`);
    return component;
  }

  private endpoint(): { port: number; caPem: string } {
    return { port: this.state.layout.apiServerPort, caPem: this.state.ca.certPem };
  }

  private adminRequest(method: string, path: string, body?: unknown): Promise<HttpsResponse> {
    return httpsRequest(this.state.admin, method, path, body);
  }
}

/** Starts the components and returns what the ControlPlane needs; a failure leaves nothing behind. */
async function startOnce(options: ControlPlaneOptions): Promise<ControlPlaneState> {
  const nodes = options.nodes ?? 0;
  if (!Number.isInteger(nodes) || nodes < 0)
    throw new Error(`envtest: nodes must be a whole number ≥ 0, not ${nodes}`);
  const startTimeoutMs = options.startTimeoutMs ?? defaultStartTimeoutMs;
  const needed = nodes > 0 ? allBinaries : apiServerBinaries;
  const binaries = requireBinaries(locateAssets({ assetsDir: options.assetsDir }), needed);

  const dir = mkdtempSync(join(tmpdir(), 'spoke-envtest-'));
  for (const sub of ['logs', 'pids', 'pki', 'etcd', 'kwok']) mkdirSync(join(dir, sub));
  // First, before any process exists, so that none can be orphaned.
  const reaper = startReaper(dir);
  const components = new Map<string, ComponentProcess>();
  const cleanUp = async (): Promise<void> => {
    await Promise.all([...components.values()].map((c) => c.stop(1_000)));
    reaper.dismiss();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const ports = await freePorts([
      'etcdPort',
      'etcdPeerPort',
      'apiServerPort',
      'controllerManagerPort',
      'schedulerPort',
      'kwokPort',
    ]);
    const layout: ControlPlaneLayout = {
      dir,
      ...ports,
      withNodes: nodes > 0,
      ...(options.auditPolicy === undefined ? {} : { audit: writeAuditPolicy(dir, options) }),
    };
    const start: StartComponent = (name, args, env) => {
      const component = new ComponentProcess({ name, binary: binaries[name], args, dir, env });
      components.set(name, component);
      component.start();
      return component;
    };

    // etcd first: it needs no certificates, and it starts while they are generated.
    const etcd = start('etcd', toArgs(etcdFlags(layout)));
    const pki = join(dir, 'pki');
    const ca = CertificateAuthority.create(pki);
    ca.issueFiles(pki, 'kube-apiserver', {
      commonName: 'kube-apiserver',
      usage: 'server',
      dnsNames: [
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
      ],
      ipAddresses: ['127.0.0.1', kubernetesServiceIP],
    });
    ca.issueFiles(pki, 'front-proxy-client', { commonName: frontProxyUser, usage: 'client' });
    writeServiceAccountKeys(pki);
    const adminCert = ca.issue({ commonName: adminUser, organizations: ['system:masters'], usage: 'client' });
    const admin: HttpsCaller = { port: layout.apiServerPort, ca: ca.certPem, ...adminCert };
    const endpoint = { port: layout.apiServerPort, caPem: ca.certPem };
    const kubeConfig = buildKubeConfig(endpoint, adminUser, { kind: 'certificate', ...adminCert });
    const kubeconfigPath = join(dir, 'admin.kubeconfig');
    writeKubeConfig(kubeconfigPath, kubeConfig);

    // kube-apiserver waits for etcd by itself; starting both at once saves etcd's start-up time.
    const apiServer = start('kube-apiserver', toArgs(apiServerFlags(layout), options.apiServerFlags));
    await Promise.all([
      waitForEtcd(etcd, layout.etcdPort, startTimeoutMs),
      waitForApiServer(apiServer, admin, startTimeoutMs),
    ]);

    const nodeNames = Array.from({ length: nodes }, (_, i) => kwokNodeName(i));
    const request = (method: string, path: string, body?: unknown): Promise<HttpsResponse> =>
      httpsRequest(admin, method, path, body);
    const crdPaths = options.crdPaths ?? [];
    const webhookOptions = options.webhookInstallOptions;
    const webhookServing =
      webhookOptions === undefined
        ? undefined
        : prepareWebhookServing(
            dir,
            ca,
            webhookOptions.localServingHost ?? '127.0.0.1',
            webhookOptions.localServingPort ?? (await freePorts(['webhook'])).webhook,
          );
    const rewrite =
      webhookServing === undefined
        ? undefined
        : (crd: CustomResourceDefinition) => rewriteCrdConversion(crd, webhookServing);
    // CRDs and webhooks install while the other components start: none needs another.
    const [, webhooks] = await Promise.all([
      crdPaths.length > 0 ? installCRDs(request, crdPaths, startTimeoutMs, rewrite) : undefined,
      webhookOptions === undefined || webhookServing === undefined
        ? undefined
        : installWebhooks(request, webhookOptions, webhookServing, startTimeoutMs),
      nodes > 0 ? startNodeComponents(layout, ca, start, request, nodeNames, startTimeoutMs) : undefined,
    ]);
    return {
      dir,
      layout,
      ca,
      admin,
      kubeConfig,
      kubeconfigPath,
      components,
      nodeNames,
      startTimeoutMs,
      reaper,
      ...(webhookServing === undefined ? {} : { webhookServing }),
      ...(webhooks === undefined ? {} : { webhooks }),
    };
  } catch (error: unknown) {
    await cleanUp();
    throw error;
  }
}

type StartComponent = (
  name: ComponentBinary,
  args: string[],
  env?: Record<string, string>,
) => ComponentProcess;

/**
 * Starts kube-controller-manager, kube-scheduler and kwok together, creates the nodes, and resolves once both
 * controllers are healthy, the nodes are Ready and schedulable, and the `default` ServiceAccount exists.
 */
async function startNodeComponents(
  layout: ControlPlaneLayout,
  ca: CertificateAuthority,
  start: StartComponent,
  request: Request,
  nodeNames: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const endpoint = { port: layout.apiServerPort, caPem: ca.certPem };
  // Their own identities: RBAC's bootstrap roles grant exactly what each needs, as in a real cluster. kwok drives
  // many nodes at once, which no single node identity may, so it runs as an admin.
  const identities = [
    ['kube-controller-manager', 'system:kube-controller-manager', []],
    ['kube-scheduler', 'system:kube-scheduler', []],
    ['kwok', 'kwok-controller', ['system:masters']],
  ] as const;
  for (const [name, user, groups] of identities) {
    const cert = ca.issue({ commonName: user, organizations: groups, usage: 'client' });
    const kubeConfig = buildKubeConfig(endpoint, user, { kind: 'certificate', ...cert });
    writeKubeConfig(join(layout.dir, `${name}.kubeconfig`), kubeConfig);
  }
  writeFileSync(join(layout.dir, 'kwok', 'kwok.yaml'), '');
  const controllerManager = start('kube-controller-manager', toArgs(controllerManagerFlags(layout)));
  const scheduler = start('kube-scheduler', toArgs(schedulerFlags(layout)));
  const kwok = start('kwok', toArgs(kwokFlags(layout)), { HOME: join(layout.dir, 'kwok') });
  await Promise.all([
    waitForHealthz(controllerManager, layout.controllerManagerPort, timeoutMs),
    waitForHealthz(scheduler, layout.schedulerPort, timeoutMs),
    createNodes(request, nodeNames.length).then(() =>
      waitForSchedulableNodes(kwok, controllerManager, request, nodeNames, timeoutMs),
    ),
    waitForDefaultServiceAccount(controllerManager, request, timeoutMs),
  ]);
}

/** Writes the audit policy where kube-apiserver reads it (JSON is YAML too); returns its path and the log's. */
function writeAuditPolicy(
  dir: string,
  options: ControlPlaneOptions,
): { policyPath: string; logPath: string } {
  const policyPath = join(dir, 'audit-policy.yaml');
  const policy = options.auditPolicy;
  writeFileSync(policyPath, typeof policy === 'string' ? policy : JSON.stringify(policy));
  return { policyPath, logPath: options.auditLogPath ?? join(dir, 'logs', 'audit.log') };
}

/** The service-account token signing key pair (ECDSA P-256: ES256 tokens). */
function writeServiceAccountKeys(pki: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(join(pki, 'service-account.key'), privateKey, { mode: 0o600 });
  writeFileSync(join(pki, 'service-account.pub'), publicKey);
}

async function waitForEtcd(etcd: ComponentProcess, port: number, timeoutMs: number): Promise<void> {
  await etcd.waitUntil(
    `healthy on port ${port}`,
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    },
    timeoutMs,
  );
}

async function waitForApiServer(
  apiServer: ComponentProcess,
  admin: HttpsCaller,
  timeoutMs: number,
): Promise<void> {
  await apiServer.waitUntil(
    `ready (/readyz) on port ${admin.port}`,
    async () => (await httpsRequest(admin, 'GET', '/readyz', undefined, 5_000)).status === 200,
    timeoutMs,
  );
}

/** kube-controller-manager and kube-scheduler serve /healthz on their secure port with a self-signed certificate. */
async function waitForHealthz(component: ComponentProcess, port: number, timeoutMs: number): Promise<void> {
  await component.waitUntil(
    `healthy (/healthz) on port ${port}`,
    async () =>
      (await httpsRequest({ port, insecure: true }, 'GET', '/healthz', undefined, 5_000)).status === 200,
    timeoutMs,
  );
}

type Request = (method: string, path: string, body?: unknown) => Promise<HttpsResponse>;

async function createNodes(request: Request, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const res = await request('POST', '/api/v1/nodes', kwokNode(i));
      if (res.status !== 201)
        throw new Error(`envtest: create Node ${kwokNodeName(i)}: ${res.status} ${res.body}`);
    }),
  );
}

interface Node {
  metadata: { name: string };
  spec?: { taints?: { key: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Whether every node in `names` exists and satisfies `accept`. */
async function allNodes(
  request: Request,
  names: readonly string[],
  accept: (node: Node) => boolean,
): Promise<boolean> {
  const selector = encodeURIComponent(`${kwokNodeLabel.key}=${kwokNodeLabel.value}`);
  const res = await request('GET', `/api/v1/nodes?labelSelector=${selector}`);
  if (res.status !== 200) return false;
  const nodes = (JSON.parse(res.body) as { items: Node[] }).items;
  return names.every((name) => nodes.some((node) => node.metadata.name === name && accept(node)));
}

/**
 * Waits until kwok has marked the nodes Ready, then until the node lifecycle controller has lifted the
 * `node.kubernetes.io/not-ready` taint that admission puts on new Nodes, so Pods can be scheduled at once.
 */
async function waitForSchedulableNodes(
  kwok: ComponentProcess,
  controllerManager: ComponentProcess,
  request: Request,
  names: readonly string[],
  timeoutMs: number,
): Promise<void> {
  await kwok.waitUntil(
    `done marking nodes ${names.join(', ')} Ready`,
    () =>
      allNodes(
        request,
        names,
        (node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
      ),
    timeoutMs,
  );
  await controllerManager.waitUntil(
    `done lifting the not-ready taint of nodes ${names.join(', ')}`,
    () =>
      allNodes(
        request,
        names,
        (node) => !(node.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/not-ready'),
      ),
    timeoutMs,
  );
}

/** Pods are rejected until the ServiceAccount controller has created the namespace's `default` ServiceAccount. */
async function waitForDefaultServiceAccount(
  controllerManager: ComponentProcess,
  request: Request,
  timeoutMs: number,
): Promise<void> {
  await controllerManager.waitUntil(
    'done creating the default ServiceAccount in namespace default',
    async () => (await request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
    timeoutMs,
  );
}
