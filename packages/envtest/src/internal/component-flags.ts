import { join } from 'node:path';

/** Flags by name (without `--`). */
export type Flags = Readonly<Record<string, string>>;

/** The ports and files that the components' flags refer to. */
export interface ControlPlaneLayout {
  readonly dir: string;
  readonly etcdPort: number;
  readonly etcdPeerPort: number;
  readonly apiServerPort: number;
  readonly controllerManagerPort: number;
  readonly schedulerPort: number;
  readonly kwokPort: number;
  /** With no nodes no kube-controller-manager runs, so nothing creates the `default` ServiceAccounts. */
  readonly withNodes: boolean;
  /** With auditing: the policy file kube-apiserver reads and the log it appends to. */
  readonly audit?: { readonly policyPath: string; readonly logPath: string };
}

/** The Services' virtual IPs; the first one is the `kubernetes` Service, named in the serving certificate. */
export const serviceClusterIPRange = '10.96.0.0/16';
export const kubernetesServiceIP = '10.96.0.1';
/** kwok gives Pods IPs from here (apart from the Service range, as in a real cluster). */
export const podCIDR = '10.244.0.0/16';
export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';
/** The CN of kube-apiserver's client certificate towards aggregated API servers. */
export const frontProxyUser = 'front-proxy-client';

/**
 * The controllers of kube-controller-manager that a simulated cluster needs: workloads, endpoints, service
 * accounts, namespaces, garbage collection, RBAC aggregation, and node lifecycle (which lifts the not-ready taint
 * that admission puts on every new Node). IPAM, volumes, taint eviction and cloud controllers are left out: kwok
 * nodes have none of that, and each idle controller costs CPU on a small machine.
 */
export const controllers = [
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'clusterrole-aggregation-controller',
  'deployment-controller',
  'replicaset-controller',
  'statefulset-controller',
  'daemonset-controller',
  'job-controller',
  'cronjob-controller',
  'ttl-after-finished-controller',
  'disruption-controller',
  'replicationcontroller-controller',
  'resourcequota-controller',
  'pod-garbage-collector-controller',
  'node-lifecycle-controller',
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
  'certificatesigningrequest-signing-controller',
  'certificatesigningrequest-approving-controller',
  'certificatesigningrequest-cleaner-controller',
];

/** Turns flags into arguments; `overrides` replace defaults of the same name. */
export function toArgs(defaults: Flags, overrides: Flags = {}): string[] {
  return Object.entries({ ...defaults, ...overrides }).map(([name, value]) => `--${name}=${value}`);
}

const pki = (layout: ControlPlaneLayout, file: string): string => join(layout.dir, 'pki', file);

export function etcdFlags(layout: ControlPlaneLayout): Flags {
  const client = `http://127.0.0.1:${layout.etcdPort}`;
  const peer = `http://127.0.0.1:${layout.etcdPeerPort}`;
  return {
    name: 'envtest',
    'data-dir': join(layout.dir, 'etcd'),
    'listen-client-urls': client,
    'advertise-client-urls': client,
    'listen-peer-urls': peer,
    'initial-advertise-peer-urls': peer,
    'initial-cluster': `envtest=${peer}`,
    // The data dies with the test: durability buys nothing and fsync costs most of etcd's write latency.
    'unsafe-no-fsync': 'true',
    'log-level': 'warn',
  };
}

export function apiServerFlags(layout: ControlPlaneLayout): Flags {
  return {
    'etcd-servers': `http://127.0.0.1:${layout.etcdPort}`,
    'bind-address': '127.0.0.1',
    'advertise-address': '127.0.0.1',
    'secure-port': String(layout.apiServerPort),
    'cert-dir': join(layout.dir, 'kube-apiserver'),
    'tls-cert-file': pki(layout, 'kube-apiserver.crt'),
    'tls-private-key-file': pki(layout, 'kube-apiserver.key'),
    'client-ca-file': pki(layout, 'ca.crt'),
    // The front proxy (aggregation layer) identity: kube-controller-manager and kube-scheduler read this CA from
    // the extension-apiserver-authentication ConfigMap, and aggregated API servers would trust these headers.
    'requestheader-client-ca-file': pki(layout, 'ca.crt'),
    'requestheader-allowed-names': frontProxyUser,
    'requestheader-username-headers': 'X-Remote-User',
    'requestheader-group-headers': 'X-Remote-Group',
    'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
    'proxy-client-cert-file': pki(layout, 'front-proxy-client.crt'),
    'proxy-client-key-file': pki(layout, 'front-proxy-client.key'),
    'service-account-issuer': serviceAccountIssuer,
    'service-account-key-file': pki(layout, 'service-account.pub'),
    'service-account-signing-key-file': pki(layout, 'service-account.key'),
    'service-cluster-ip-range': serviceClusterIPRange,
    'authorization-mode': 'Node,RBAC',
    'allow-privileged': 'true',
    // The `kubernetes` Service keeps no endpoints: its only address would be 127.0.0.1, which Endpoints reject.
    'endpoint-reconciler-type': 'none',
    // Without kube-controller-manager no `default` ServiceAccount exists, and this plugin would reject every Pod.
    ...(layout.withNodes ? {} : { 'disable-admission-plugins': 'ServiceAccount' }),
    ...(layout.audit ? auditFlags(layout.audit) : {}),
    profiling: 'false',
    // Streaming lists (sendInitialEvents=true) are beta in 1.33 but off by default; clients that ask for one and
    // are refused fall back to paginated LISTs, so serving them changes nothing for the others.
    'feature-gates': 'WatchList=true',
  };
}

/**
 * The audit log: JSON lines, written before each request is answered (blocking), so none is lost if kube-apiserver is
 * killed, and never rotated (a max size of 0 would mean lumberjack's default of 100 MB, then a rotation).
 */
function auditFlags(audit: { readonly policyPath: string; readonly logPath: string }): Flags {
  return {
    'audit-policy-file': audit.policyPath,
    'audit-log-path': audit.logPath,
    'audit-log-format': 'json',
    'audit-log-mode': 'blocking',
    'audit-log-maxsize': String(1 << 20),
    'audit-log-maxbackup': '0',
  };
}

/** Flags shared by kube-controller-manager and kube-scheduler: the API, their own health endpoint, no election. */
function componentFlags(layout: ControlPlaneLayout, name: string, port: number): Flags {
  const kubeconfig = join(layout.dir, `${name}.kubeconfig`);
  return {
    kubeconfig,
    'authentication-kubeconfig': kubeconfig,
    'authorization-kubeconfig': kubeconfig,
    'bind-address': '127.0.0.1',
    'secure-port': String(port),
    'cert-dir': join(layout.dir, name),
    // One instance per control plane: electing a leader only delays the start by a lease acquisition.
    'leader-elect': 'false',
    profiling: 'false',
  };
}

export function controllerManagerFlags(layout: ControlPlaneLayout): Flags {
  return {
    ...componentFlags(layout, 'kube-controller-manager', layout.controllerManagerPort),
    controllers: controllers.join(','),
    // Each controller acts as its own ServiceAccount, as in a real cluster, so RBAC denials look the same.
    'use-service-account-credentials': 'true',
    'service-account-private-key-file': pki(layout, 'service-account.key'),
    'root-ca-file': pki(layout, 'ca.crt'),
    'cluster-signing-cert-file': pki(layout, 'ca.crt'),
    'cluster-signing-key-file': pki(layout, 'ca.key'),
    'service-cluster-ip-range': serviceClusterIPRange,
  };
}

export function schedulerFlags(layout: ControlPlaneLayout): Flags {
  return componentFlags(layout, 'kube-scheduler', layout.schedulerPort);
}

/** The annotation by which kwok picks the nodes it manages (kwok's documented convention). */
export const kwokNodeAnnotation = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;

export function kwokFlags(layout: ControlPlaneLayout): Flags {
  return {
    kubeconfig: join(layout.dir, 'kwok.kubeconfig'),
    // An empty config of our own: kwok would otherwise read ~/.kwok/kwok.yaml.
    config: join(layout.dir, 'kwok', 'kwok.yaml'),
    'manage-all-nodes': 'false',
    'manage-nodes-with-annotation-selector': `${kwokNodeAnnotation.key}=${kwokNodeAnnotation.value}`,
    'manage-nodes-with-label-selector': '',
    cidr: podCIDR,
    'node-ip': '127.0.0.1',
    // Heartbeats through Leases in kube-node-lease, renewed every few seconds, as kubelets do. Without them kwok
    // posts node status about once a minute, past the node-lifecycle controller's 50 s grace period: it then
    // declares every node unreachable and marks all their pods NotReady, emptying the EndpointSlices.
    'node-lease-duration-seconds': '40',
    'server-address': `127.0.0.1:${layout.kwokPort}`,
  };
}
