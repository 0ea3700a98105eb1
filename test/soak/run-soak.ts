import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import {
  ClusterRole,
  ClusterRoleBinding,
  KubeClient,
  Manager,
  Namespace,
  newLogger,
  Role,
  RoleBinding,
} from '@spoke/manager';
import { webhooks } from '@spoke/memcached-operator';
import { parse } from 'yaml';
import { readAuditLog, writeVerbs, type AuditedRequest } from '../support/audit-log.js';
import { configMapCreations, type ConfigMapCreations } from './config-map-creations.js';
import { ConflictingWriter } from './conflicting-writer.js';
import { convergenceProblems, snapshot } from './convergence.js';
import { classifyWrite, leaseTerms, leaseWrites, type LeaseTerm } from './lease-terms.js';
import { leaseName, ManagerReplicas, type ReplicaRecord } from './manager-replicas.js';
import { SeededRandom } from './seeded-random.js';
import { SpecChurn, type SpecChange } from './spec-churn.js';
import { TcpRelay } from './tcp-relay.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The faults a soak injects, one per round. */
export const faultKinds = [
  'leader-sigkill',
  'leader-sigterm',
  'leader-sigstop',
  'apiserver-sigkill',
  'etcd-compaction',
  'conflicting-writes',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Rounds start until this much time has passed since the first one (and at least one per `faults`). */
  readonly durationMs: number;
  /** The first faults, in this order; then every kind again, shuffled (seeded), each cycle. */
  readonly faults: readonly FaultKind[];
  readonly memcacheds: number;
  readonly replicas: number;
  readonly seed: number;
  /** Random spec changes before each fault. */
  readonly churnMs: number;
  readonly changeIntervalMs: number;
  /** A round fails when the cluster has not converged this long after its fault began. */
  readonly convergenceBoundMs: number;
  readonly lease: {
    readonly durationMs: number;
    readonly renewDeadlineMs: number;
    readonly retryPeriodMs: number;
  };
  /** Where the audit log, the replicas' logs and their kubeconfigs go; the caller keeps or removes it. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/** One injected fault and what followed. */
export interface FaultRecord {
  readonly round: number;
  readonly kind: FaultKind;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly detail: string;
  /** From the fault's start until every Memcached converged; undefined if it did not within the bound. */
  readonly convergenceMs: number | undefined;
  readonly convergedAt: number | undefined;
  /** What kept the cluster from converging, when it did not. */
  readonly problems: readonly string[];
  /** The managers' requests from the fault's start to convergence, by verb (filled in from the audit log). */
  requests?: Readonly<Record<string, number>>;
  /** The replica users that led before and after, from the lease terms. */
  leaderBefore?: string;
  leaderAfter?: string;
}

/** Everything a soak measured; {@link soakViolations} judges it, the report prints it. */
export interface SoakResult {
  readonly options: Omit<SoakOptions, 'log'>;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly setupMs: number;
  readonly faults: FaultRecord[];
  readonly replicas: readonly ReplicaRecord[];
  readonly changes: readonly SpecChange[];
  readonly invalidAccepted: readonly SpecChange[];
  readonly strikes: readonly { at: number; description: string }[];
  readonly terms: readonly LeaseTerm[];
  readonly termAnomalies: readonly string[];
  readonly writes: {
    readonly inside: number;
    readonly inFlight: readonly AuditedRequest[];
    readonly outside: readonly AuditedRequest[];
  };
  readonly configMaps: ConfigMapCreations;
  readonly auditRequests: number;
  readonly auditMalformedLines: number;
  readonly auditBytes: number;
  readonly socketSamples: number;
  /** Memcacheds not converged after the last round (empty when all are). */
  readonly finalProblems: Readonly<Record<string, readonly string[]>>;
}

const namespace = 'soak';
const leaseNamespace = 'soak-system';
const managersGroup = 'spoke:soak-managers';
const isManager = (user: string): boolean => user.startsWith('soak-manager-');

/**
 * The audit policy: every write, by anyone, with timestamps and response codes; the leader Lease with its bodies
 * (the terms are read from them); the proxy ConfigMaps and the EndpointSlices with their request bodies (a
 * Memcached's backend sets and configs are replayed from them); and the managers' reads, for requests per fault.
 */
const auditPolicy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  rules: [
    {
      level: 'RequestResponse',
      verbs: ['create', 'update', 'patch', 'delete'],
      resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }],
      namespaces: [leaseNamespace],
    },
    // An EndpointSlice created by generateName is named in the response only.
    {
      level: 'RequestResponse',
      verbs: ['create'],
      resources: [{ group: 'discovery.k8s.io', resources: ['endpointslices'] }],
      namespaces: [namespace],
    },
    {
      level: 'Request',
      verbs: ['create', 'update', 'patch', 'delete'],
      resources: [
        { group: '', resources: ['configmaps'] },
        { group: 'discovery.k8s.io', resources: ['endpointslices'] },
      ],
      namespaces: [namespace],
    },
    { level: 'Metadata', verbs: [...writeVerbs] },
    { level: 'Metadata', userGroups: [managersGroup], omitStages: ['RequestReceived'] },
    { level: 'None' },
  ],
};

/** The operator's generated ClusterRole, and its leader-election Role's rules, bound to the managers' group. */
async function grantManagers(client: KubeClient): Promise<void> {
  const clusterRole = parse(readFileSync(join(repoRoot, 'config/rbac/role.yaml'), 'utf8')) as {
    rules: unknown[];
  };
  const electionRole = parse(
    readFileSync(join(repoRoot, 'config/rbac/leader_election_role.yaml'), 'utf8'),
  ) as {
    rules: unknown[];
  };
  const subjects = [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: managersGroup }];
  await client.create(ClusterRole, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'soak-manager' },
    rules: clusterRole.rules as never,
  });
  await client.create(ClusterRoleBinding, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'soak-manager' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'soak-manager' },
    subjects,
  });
  await client.create(Role, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'soak-leader-election', namespace: leaseNamespace },
    rules: electionRole.rules as never,
  });
  await client.create(RoleBinding, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'soak-leader-election', namespace: leaseNamespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'soak-leader-election' },
    subjects,
  });
}

/** A kubeconfig for `user` (a new client certificate), pointing at the relay instead of kube-apiserver. */
function relayedKubeConfig(env: ControlPlane, relay: TcpRelay, user: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(env.userKubeConfig({ name: user, groups: [managersGroup] }).exportConfig());
  kc.clusters = kc.clusters.map((c) => ({ ...c, server: relay.url }));
  return kc;
}

/** Compacts etcd at its current revision (its JSON gateway); returns that revision. */
async function compactEtcd(etcdUrl: string): Promise<number> {
  const range = await fetch(`${etcdUrl}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from('soak').toString('base64') }),
  });
  const { header } = (await range.json()) as { header: { revision: string } };
  const revision = Number(header.revision);
  const compacted = await fetch(`${etcdUrl}/v3/kv/compaction`, {
    method: 'POST',
    body: JSON.stringify({ revision: String(revision), physical: true }),
  });
  if (!compacted.ok)
    throw new Error(`etcd compaction at ${revision}: ${compacted.status} ${await compacted.text()}`);
  return revision;
}

/** The faults for round `i`: the given order first, then seeded shuffles of every kind. */
function faultSchedule(options: SoakOptions, random: SeededRandom): () => FaultKind {
  let queue = [...options.faults];
  return () => {
    if (queue.length === 0) queue = random.shuffle(faultKinds);
    const next = queue.shift();
    if (next === undefined) throw new Error('no fault kinds');
    return next;
  };
}

/**
 * Runs the chaos soak: a simulated cluster whose kube-apiserver audits every write, `replicas` memcached managers
 * with leader election (each process its own user), `memcacheds` Memcacheds changed at random; then rounds of
 * churn → fault → wait for convergence, until `durationMs` has passed; then the audit log is read back and every
 * write of every manager is placed against the lease terms.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { log, ...kept } = options;
  const random = new SeededRandom(options.seed);
  const startedAt = Date.now();
  const auditLogPath = join(options.workDir, 'audit.log');
  log(`soak: seed ${options.seed}, ${options.memcacheds} Memcacheds, ${options.replicas} manager replicas`);
  const env = await ControlPlane.start({
    nodes: 2,
    crdPaths: [join(repoRoot, 'config/crd/bases')],
    auditPolicy,
    auditLogPath,
    // Watches served by etcd itself: a forced compaction then reaches the informers as 410 Gone (the watch cache
    // would hide it behind its own history).
    apiServerFlags: { 'watch-cache': 'false' },
    // The CRD's conversion pointed at this process (no admission configuration: the soak's spec changes are judged
    // by the CRD's schema and CEL, as before the webhooks).
    webhookInstallOptions: {},
  });
  const conversion = await startConversionServer(env);
  const relay = await TcpRelay.start(Number(new URL(env.server).port));
  const admin = new KubeClient({ kubeConfig: env.kubeConfig });
  const intruder = new KubeClient({
    kubeConfig: env.userKubeConfig({ name: 'soak-intruder', groups: ['system:masters'] }),
  });
  const names = Array.from({ length: options.memcacheds }, (_, i) => `mc-${String(i).padStart(2, '0')}`);
  const churn = new SpecChurn(admin, namespace, names, random);
  const conflicts = new ConflictingWriter(intruder, namespace, names, random);
  const replicas = new ManagerReplicas({
    count: options.replicas,
    dir: options.workDir,
    namespace: leaseNamespace,
    leaderElectArgs: [
      `--leader-elect-lease-duration=${options.lease.durationMs}ms`,
      `--leader-elect-renew-deadline=${options.lease.renewDeadlineMs}ms`,
      `--leader-elect-retry-period=${options.lease.retryPeriodMs}ms`,
    ],
    kubeconfigFor: (user) => {
      const path = join(options.workDir, `${user}.kubeconfig`);
      writeFileSync(path, relayedKubeConfig(env, relay, user).exportConfig(), { mode: 0o600 });
      return path;
    },
    restartDelayMs: 1_000,
  });
  const faults: FaultRecord[] = [];
  let socketSamples = 0;
  const sampler = setInterval(() => {
    replicas.sample();
    socketSamples++;
  }, 2_000);
  let finalProblems: Record<string, string[]> = {};
  let setupMs = 0;
  try {
    for (const name of [namespace, leaseNamespace])
      await admin.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await grantManagers(admin);
    await churn.createAll();
    await replicas.start();
    await replicas.leader();
    const initial = await waitForConvergence(admin, churn, 180_000);
    if (initial.problems.length > 0)
      throw new Error(`no initial convergence:\n${initial.problems.join('\n')}`);
    setupMs = Date.now() - startedAt;
    log(`soak: set up and converged in ${setupMs} ms`);

    const nextFault = faultSchedule(options, random);
    const roundsStart = Date.now();
    for (
      let round = 1;
      round <= options.faults.length || Date.now() - roundsStart < options.durationMs;
      round++
    ) {
      const churnEnd = Date.now() + options.churnMs;
      while (Date.now() < churnEnd) {
        const tickStart = Date.now();
        await churn.tick();
        await sleep(Math.max(0, options.changeIntervalMs - (Date.now() - tickStart)));
      }
      const kind = nextFault();
      const fault = await inject(kind);
      const converged = await waitForConvergence(admin, churn, options.convergenceBoundMs, fault.startedAt);
      const record: FaultRecord = {
        round,
        kind,
        ...fault,
        convergedAt: converged.at,
        convergenceMs: converged.at === undefined ? undefined : converged.at - fault.startedAt,
        problems: converged.problems,
      };
      faults.push(record);
      log(
        `soak: round ${round}: ${kind} (${fault.detail}) → ` +
          (record.convergenceMs === undefined
            ? `NOT converged after ${options.convergenceBoundMs} ms:\n  ${converged.problems.join('\n  ')}`
            : `converged in ${record.convergenceMs} ms`),
      );
      if (record.convergenceMs === undefined) break;
      await churn.resolveUncertain();
    }
    const last = await snapshot(admin, namespace);
    finalProblems = Object.fromEntries(
      names
        .map((n) => [n, convergenceProblems(last, n, churn.lastWritten(n))] as const)
        .filter(([, p]) => p.length > 0),
    );
  } finally {
    clearInterval(sampler);
    await replicas.stop();
    await relay.stop();
    await conversion.stop();
    await env.stop();
  }
  const endedAt = Date.now();

  const { requests, malformedLines } = await readAuditLog(auditLogPath);
  const { terms, anomalies } = leaseTerms(
    leaseWrites(requests, { namespace: leaseNamespace, name: leaseName }),
  );
  const inFlight: AuditedRequest[] = [];
  const outside: AuditedRequest[] = [];
  let inside = 0;
  for (const r of requests) {
    if (!isManager(r.user) || !writeVerbs.has(r.verb)) continue;
    if (r.resource === 'leases' && r.namespace === leaseNamespace) continue; // the election itself
    const verdict = classifyWrite(terms, r);
    if (verdict === 'inside') inside++;
    else (verdict === 'in-flight' ? inFlight : outside).push(r);
  }
  for (const fault of faults) {
    const until = fault.convergedAt ?? fault.startedAt + options.convergenceBoundMs;
    const byVerb: Record<string, number> = {};
    for (const r of requests) {
      if (!isManager(r.user) || r.receivedAt < fault.startedAt || r.receivedAt > until) continue;
      byVerb[r.verb] = (byVerb[r.verb] ?? 0) + 1;
    }
    fault.requests = byVerb;
    fault.leaderBefore = terms.filter((t) => t.start <= fault.startedAt).at(-1)?.user;
    fault.leaderAfter = terms.filter((t) => t.start <= until).at(-1)?.user;
  }
  return {
    options: kept,
    startedAt,
    endedAt,
    setupMs,
    faults,
    replicas: replicas.records,
    changes: churn.changes,
    invalidAccepted: churn.invalidAccepted,
    strikes: conflicts.strikes,
    terms,
    termAnomalies: anomalies,
    writes: { inside, inFlight, outside },
    configMaps: configMapCreations({
      requests,
      names,
      isManager,
      specs: churn.history,
      // The operator waits up to SettleMs (10 s) for starting servers; a set that stood 15 s was settled.
      settleWindowMs: 15_000,
      end: endedAt,
    }),
    auditRequests: requests.length,
    auditMalformedLines: malformedLines,
    auditBytes: readFileSync(auditLogPath).length,
    socketSamples,
    finalProblems,
  };

  /**
   * Injects the fault, and makes two spec changes right after it struck (while the leader is dead, draining or
   * frozen; once the API server is back; after the watches were cut), so that converging needs the cluster to have
   * recovered from it: a new leader, reconnected watches.
   */
  async function inject(kind: FaultKind): Promise<{ startedAt: number; endedAt: number; detail: string }> {
    const startedAt = Date.now();
    const changesAfter = async (): Promise<string> => {
      const made = [await churn.tick(true), await churn.tick(true)];
      return made.map((c) => `${c.name} ${c.description} ${c.outcome}`).join(', ');
    };
    let detail: string;
    switch (kind) {
      case 'leader-sigkill':
      case 'leader-sigterm': {
        const leader = await replicas.leader();
        leader.signal(kind === 'leader-sigkill' ? 'SIGKILL' : 'SIGTERM');
        if (kind === 'leader-sigkill') await leader.exited();
        detail = `${leader.record.user}; then ${await changesAfter()}`;
        break;
      }
      case 'leader-sigstop': {
        const leader = await replicas.leader();
        leader.signal('SIGSTOP');
        const changes = await changesAfter();
        // Past its lease: a standby takes over while it is frozen, mid-reconcile.
        await sleep(Math.max(0, startedAt + options.lease.durationMs + 2_000 - Date.now()));
        const next = await replicas.leader(30_000);
        leader.signal('SIGCONT');
        detail = `${leader.record.user} paused ${Date.now() - startedAt} ms, ${next.record.user} took over; ${changes}`;
        break;
      }
      case 'apiserver-sigkill':
        await env.restartApiServer({ signal: 'SIGKILL' });
        detail = `down and back in ${Date.now() - startedAt} ms; then ${await changesAfter()}`;
        break;
      case 'etcd-compaction': {
        const revision = await compactEtcd(env.etcdUrl);
        const cut = relay.cut();
        detail = `compacted at revision ${revision}; ${cut} manager connections reset; then ${await changesAfter()}`;
        break;
      }
      case 'conflicting-writes': {
        const done: string[] = [];
        for (let i = 0; i < 3; i++) {
          done.push(await conflicts.strike());
          await sleep(300);
        }
        detail = done.join('; ');
        break;
      }
    }
    return { startedAt, endedAt: Date.now(), detail };
  }
}

/**
 * Polls the cluster until every Memcached is converged to its last written spec, or `boundMs` has passed since
 * `since`; returns when it converged, or the problems left.
 */
async function waitForConvergence(
  client: KubeClient,
  churn: SpecChurn,
  boundMs: number,
  since = Date.now(),
): Promise<{ at: number | undefined; problems: string[] }> {
  let problems: string[] = ['not checked yet'];
  while (Date.now() - since < boundMs) {
    try {
      const snap = await snapshot(client, namespace);
      problems = churn.names.flatMap((n) =>
        convergenceProblems(snap, n, churn.lastWritten(n)).map((p) => `${n}: ${p}`),
      );
      if (problems.length === 0) return { at: Date.now(), problems };
    } catch (err) {
      problems = [`reading the cluster: ${err instanceof Error ? err.message : String(err)}`];
    }
    await sleep(500);
  }
  return { at: undefined, problems };
}

/**
 * The operator's webhooks served by the harness, not by the manager replicas (`--enable-webhooks=false`): the soak
 * kills and pauses replicas, and envtest points the conversion at one port; the API server must convert v1alpha1
 * (what the churn writes) to v1beta1 (what the replicas read) throughout.
 */
async function startConversionServer(env: ControlPlane): Promise<{ stop(): Promise<void> }> {
  const serving = env.webhookInstallOptions;
  if (serving === undefined) throw new Error('envtest set up no webhook serving certificate');
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
  await Promise.race([
    manager.serving(),
    running.then(() => {
      throw new Error('the manager stopped before its conversion webhook server served');
    }),
  ]);
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
