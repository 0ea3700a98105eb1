/**
 * The memcached operator at scale on the simulated cluster (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, kwok): M Memcached created at once, the time until all are Available, the operator's requests
 * (from kube-apiserver's audit log: a witness outside the operator) and its peak RSS against its Deployment's memory
 * limit; then one scale event of one Memcached, broken down by phase, so that the operator's own share of the
 * latency shows beside the cluster's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { V1ConfigMap, V1Deployment, V1EndpointSlice, V1StatefulSet } from '@kubernetes/client-node';
import { ControlPlane, waitFor } from '@spoke/envtest';
import { selectorStringFromSet } from '@spoke/manager';
import {
  backendsOf,
  configMapOfDeployment,
  MemcachedKind,
  newestConfigMap,
  proxyName,
  selectorLabels,
  type Memcached,
} from '@spoke/memcached-operator';
import { parse } from 'yaml';
import { OperatorProcess } from '../e2e/support/operator-process.js';
import { KubeHttp } from './support/kube-http.js';
import { forEachConcurrently } from './support/load.js';
import { memoryOf } from './support/proc-stats.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const namespace = 'scale';
/** The operator's own user: the audit policy records its requests and nobody else's. */
const operatorUser = 'memcached-operator';

export interface MemcachedAtScaleOptions {
  /** Memcached objects per run (M). */
  readonly sizes: readonly number[];
  /** Pods per kwok node (a node takes 110): the run gets as many nodes as its pods need. */
  readonly podsPerNode: number;
  /** Each Memcached's shape. */
  readonly servers: number;
  readonly proxies: number;
  /** Servers after the scale event. */
  readonly scaledServers: number;
  readonly logDir: string;
  readonly log: (line: string) => void;
}

/** When each step of one scale event was first observed, in seconds after the patch. */
export interface ScalePhases {
  /** The operator: its StatefulSet asks for the new replica count. */
  readonly statefulSetScaled: number;
  /** The cluster: the StatefulSet reports every server ready. */
  readonly serversReady: number;
  /** The cluster: the servers' EndpointSlices list them all ready (what the operator reads). */
  readonly endpointsReady: number;
  /** The operator: the newest proxy ConfigMap lists every server. */
  readonly configWritten: number;
  /** The operator: the proxy Deployment's template mounts it. */
  readonly proxyTemplateUpdated: number;
  /** The cluster: every proxy pod runs that template and is available. */
  readonly proxyRolledOut: number;
  /** The operator: the Memcached's status says Available, not Progressing, with that config. */
  readonly statusConverged: number;
  /** The operator's share: the sum of its four steps' durations. */
  readonly operatorSeconds: number;
}

export interface MemcachedRun {
  readonly memcacheds: number;
  readonly servers: number;
  readonly proxies: number;
  readonly nodes: number;
  /** Set when the operator died before every Memcached converged (e.g. out of heap): its last log line. */
  readonly failure?: string;
  /** First create → every Memcached Available; undefined if that never happened. */
  readonly allAvailableSeconds?: number;
  /** First create → every Memcached Available, not Progressing, for its generation. */
  readonly allConvergedSeconds?: number;
  /** The operator's requests by `verb resource`, from start to all converged (audit log, one per request). */
  readonly operatorRequests: Readonly<Record<string, number>>;
  readonly operatorRequestsTotal: number;
  readonly peakRssBytes: number;
  readonly rssBytes: number;
  /** The bundled manager Deployment's memory limit (config/manager/manager.yaml). */
  readonly memoryLimitBytes: number;
  /** NODE_OPTIONS of that Deployment, with which the operator ran here too. */
  readonly nodeOptions: string;
  readonly scale?: ScalePhases;
}

interface ManagerDeployment {
  readonly memoryLimitBytes: number;
  readonly nodeOptions: string;
}

/** The memory limit and NODE_OPTIONS of the bundled manager's Deployment, read from its manifest. */
function managerDeployment(): ManagerDeployment {
  const manifest = parse(
    readFileSync(join(repoRoot, 'config/manager/manager.yaml'), 'utf8')
      .split(/^---$/m)
      .find((d) => /kind: Deployment/.test(d)) ?? '',
  ) as {
    spec: {
      template: {
        spec: {
          containers: {
            resources?: { limits?: { memory?: string } };
            env?: { name: string; value?: string }[];
          }[];
        };
      };
    };
  };
  const container = manifest.spec.template.spec.containers[0];
  const limit = container?.resources?.limits?.memory ?? '';
  const m = /^(\d+)Mi$/.exec(limit);
  if (!m?.[1])
    throw new Error(`config/manager/manager.yaml: unexpected memory limit ${JSON.stringify(limit)}`);
  return {
    memoryLimitBytes: Number(m[1]) * 2 ** 20,
    nodeOptions: container?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '',
  };
}

/** Records the operator's requests at Metadata level, one event per request once answered; nothing else. */
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    users: ["${operatorUser}"]
  - level: None
`;

/** Requests in an audit log by `verb resource` (a watch counts when it starts: its ResponseStarted stage). */
function auditedRequests(logPath: string): Record<string, number> {
  const seen = new Set<string>();
  const out: Record<string, number> = {};
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as {
      auditID: string;
      verb: string;
      objectRef?: { resource?: string; subresource?: string };
    };
    if (seen.has(e.auditID)) continue;
    seen.add(e.auditID);
    const resource = e.objectRef?.resource
      ? `${e.objectRef.resource}${e.objectRef.subresource ? `/${e.objectRef.subresource}` : ''}`
      : 'non-resource';
    const key = `${e.verb} ${resource}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort());
}

function memcachedName(i: number): string {
  return `mc-${String(i).padStart(4, '0')}`;
}

const memcachedsPath = `/apis/${MemcachedKind.apiVersion}/namespaces/${namespace}/memcacheds`;

function condition(mc: Memcached, type: string): string | undefined {
  return mc.status?.conditions?.find((c) => c.type === type)?.status;
}

function converged(mc: Memcached): boolean {
  return (
    mc.status?.observedGeneration === mc.metadata?.generation &&
    condition(mc, 'Available') === 'True' &&
    condition(mc, 'Progressing') === 'False'
  );
}

async function listMemcacheds(http: KubeHttp): Promise<Memcached[]> {
  return ((await http.expect(200, 'GET', memcachedsPath)) as { items: Memcached[] }).items;
}

/** The latest state of one watched collection, by name. */
class Watched<T extends { metadata?: { name?: string } }> {
  readonly items = new Map<string, T>();
  /** True once the watch's initial ADDED events (the current state) have arrived. */
  received = false;

  apply(event: { type: string; object: unknown }): void {
    const obj = event.object as T;
    const name = obj.metadata?.name;
    if (!name) return;
    if (event.type === 'DELETED') this.items.delete(name);
    else if (event.type === 'ADDED' || event.type === 'MODIFIED') this.items.set(name, obj);
    this.received = true;
  }

  get first(): T | undefined {
    return this.items.values().next().value;
  }
}

/**
 * Times one scale event of `name` to `to` servers: watches (from the harness, as admin) its StatefulSet, server
 * EndpointSlices, proxy ConfigMaps, proxy Deployment and the Memcached, and notes when each phase is first visible,
 * evaluated on every event as it arrives.
 */
async function scaleEvent(http: KubeHttp, name: string, to: number): Promise<ScalePhases> {
  const q = (selector: string) => `watch=1&${selector}`;
  const byName = (n: string) => q(`fieldSelector=${encodeURIComponent(`metadata.name=${n}`)}`);
  const byLabel = (l: string) => q(`labelSelector=${encodeURIComponent(l)}`);
  const sts = new Watched<V1StatefulSet>();
  const slices = new Watched<V1EndpointSlice>();
  const configMaps = new Watched<V1ConfigMap>();
  const deployments = new Watched<V1Deployment>();
  const memcacheds = new Watched<Memcached>();
  const seen: Partial<Record<keyof Omit<ScalePhases, 'operatorSeconds'>, number>> = {};
  let t0: number | undefined;
  const evaluate = () => {
    if (t0 === undefined) return;
    const now = (performance.now() - t0) / 1000;
    const set = sts.first;
    if (set?.spec?.replicas === to) seen.statefulSetScaled ??= now;
    if (seen.statefulSetScaled !== undefined && set?.status?.readyReplicas === to) seen.serversReady ??= now;
    const ready = [...slices.items.values()]
      .flatMap((sl) => sl.endpoints ?? [])
      .filter((e) => e.conditions?.ready === true);
    if (ready.length === to) seen.endpointsReady ??= now;
    const newest = newestConfigMap([...configMaps.items.values()]);
    const configReady = backendsOf(newest).length === to;
    if (configReady) seen.configWritten ??= now;
    const deployment = deployments.first;
    const mounted = configReady && configMapOfDeployment(deployment) === newest?.metadata?.name;
    if (mounted) seen.proxyTemplateUpdated ??= now;
    const status = deployment?.status;
    const wanted = deployment?.spec?.replicas ?? 0;
    if (
      mounted &&
      (status?.observedGeneration ?? 0) >= (deployment?.metadata?.generation ?? 0) &&
      status?.updatedReplicas === wanted &&
      status.availableReplicas === wanted &&
      status.replicas === wanted
    ) {
      seen.proxyRolledOut ??= now;
    }
    const mc = memcacheds.first;
    if (
      seen.proxyRolledOut !== undefined &&
      mc &&
      converged(mc) &&
      mc.status?.configMap === newest?.metadata?.name
    ) {
      seen.statusConverged ??= now;
    }
  };
  const stop = new AbortController();
  const watch = <T extends { metadata?: { name?: string } }>(path: string, into: Watched<T>) =>
    http.watch(
      path,
      (event) => {
        into.apply(event);
        evaluate();
      },
      stop.signal,
    );
  try {
    await Promise.all([
      watch(`/apis/apps/v1/namespaces/${namespace}/statefulsets?${byName(name)}`, sts),
      watch(
        `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?${byLabel(`kubernetes.io/service-name=${name}`)}`,
        slices,
      ),
      watch(
        `/api/v1/namespaces/${namespace}/configmaps?${byLabel(selectorStringFromSet(selectorLabels(name, 'proxy-config')))}`,
        configMaps,
      ),
      watch(`/apis/apps/v1/namespaces/${namespace}/deployments?${byName(proxyName(name))}`, deployments),
      watch(`${memcachedsPath}?${byName(name)}`, memcacheds),
    ]);
    await waitFor(() => [sts, slices, configMaps, deployments, memcacheds].every((w) => w.received), {
      description: `the watches of ${name} to show its current state`,
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    t0 = performance.now();
    await http.expect(200, 'PATCH', `${memcachedsPath}/${name}`, { spec: { replicas: to } });
    await waitFor(() => seen.statusConverged !== undefined, {
      description: `the scale event of ${name} to ${to} servers`,
      timeoutMs: 300_000,
      intervalMs: 20,
    });
  } finally {
    stop.abort();
  }
  const p = seen as Required<typeof seen>;
  // The operator's four steps; a step that showed before the one it follows took no time of its own.
  const operatorSeconds =
    p.statefulSetScaled +
    Math.max(0, p.configWritten - p.endpointsReady) +
    Math.max(0, p.proxyTemplateUpdated - p.configWritten) +
    Math.max(0, p.statusConverged - p.proxyRolledOut);
  return { ...p, operatorSeconds };
}

async function runOnce(options: MemcachedAtScaleOptions, m: number): Promise<MemcachedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'spoke-bench-audit-'));
  const auditLog = join(dir, 'audit.log');
  writeFileSync(join(dir, 'policy.yaml'), auditPolicy);
  const pods = m * (options.servers + options.proxies) + options.scaledServers - options.servers;
  const nodes = Math.max(2, Math.ceil(pods / options.podsPerNode));
  const env = await ControlPlane.start({
    nodes,
    crdPaths: [join(repoRoot, 'config/crd/bases')],
    // The operator serves its webhooks, as deployed: conversion of the v1alpha1 writes, defaulting, validation.
    webhookInstallOptions: { paths: [join(repoRoot, 'config/webhook')] },
    apiServerFlags: {
      'audit-policy-file': join(dir, 'policy.yaml'),
      'audit-log-path': auditLog,
      'audit-log-format': 'json',
      'audit-log-maxbackup': '0',
      'audit-log-maxsize': '0',
    },
  });
  const http = await KubeHttp.from(env.kubeConfig, 32);
  const deployment = managerDeployment();
  let operator: OperatorProcess | undefined;
  try {
    await http.expect(201, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    // The operator as its own user (in system:masters, so RBAC is not what is measured), so the audit log tells its
    // requests apart from the harness's.
    const kubeconfigPath = join(dir, 'operator.kubeconfig');
    writeFileSync(
      kubeconfigPath,
      env.userKubeConfig({ name: operatorUser, groups: ['system:masters'] }).exportConfig(),
    );
    operator = await OperatorProcess.start(
      kubeconfigPath,
      join(options.logDir, `memcached-operator-m${m}.log`),
      {
        logLevel: 'info',
        nodeOptions: deployment.nodeOptions,
        ...(env.webhookInstallOptions
          ? {
              webhook: {
                host: env.webhookInstallOptions.localServingHost,
                port: env.webhookInstallOptions.localServingPort,
                certDir: env.webhookInstallOptions.localServingCertDir,
              },
            }
          : {}),
      },
    );
    const pid = operator.pid;
    if (pid === undefined) throw new Error('the operator has no pid');
    // Sampled, so that the peak is known even if the process dies (out of heap) before the end.
    let peakRssBytes = 0;
    let rssBytes = 0;
    const sample = () => {
      try {
        ({ peakRssBytes, rssBytes } = memoryOf(pid));
      } catch {
        // exited: keep the last sample
      }
    };
    const sampler = setInterval(sample, 500);
    const running = operator;
    const died = () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return new Error(`the operator exited:\n${running.logTail(5)}`);
      }
    };
    const common = {
      memcacheds: m,
      servers: options.servers,
      proxies: options.proxies,
      nodes,
      memoryLimitBytes: deployment.memoryLimitBytes,
      nodeOptions: deployment.nodeOptions,
    };
    const t0 = performance.now();
    let allAvailableSeconds: number | undefined;
    try {
      await forEachConcurrently(m, 32, async (i) => {
        await http.expect(201, 'POST', memcachedsPath, {
          apiVersion: MemcachedKind.apiVersion,
          kind: MemcachedKind.kind,
          metadata: { name: memcachedName(i), namespace },
          spec: {
            replicas: options.servers,
            topology: 'Sharded',
            proxy: { engine: 'Twemproxy', replicas: options.proxies },
          },
        });
      });
      const allConvergedSeconds = await waitFor(
        async () => {
          const items = await listMemcacheds(http);
          const now = (performance.now() - t0) / 1000;
          if (items.length === m && items.every((mc) => condition(mc, 'Available') === 'True')) {
            allAvailableSeconds ??= now;
          }
          return items.length === m && items.every(converged) && now;
        },
        {
          description: `${m} Memcached to converge`,
          timeoutMs: 1_800_000,
          intervalMs: 500,
          abortReason: died,
        },
      );
      const operatorRequests = auditedRequests(auditLog);
      sample();
      const rssAtConverged = rssBytes;
      options.log(
        `M=${m}: all Available after ${allAvailableSeconds?.toFixed(1)} s, converged after ${allConvergedSeconds.toFixed(1)} s`,
      );
      const scale = await scaleEvent(http, memcachedName(0), options.scaledServers);
      sample();
      return {
        ...common,
        allAvailableSeconds: allAvailableSeconds ?? allConvergedSeconds,
        allConvergedSeconds,
        operatorRequests,
        operatorRequestsTotal: Object.values(operatorRequests).reduce((a, b) => a + b, 0),
        peakRssBytes,
        rssBytes: rssAtConverged,
        scale,
      };
    } catch (error: unknown) {
      const death = died();
      if (!death) throw error;
      // A finding, not a harness failure: the manager did not survive this load with its Deployment's settings.
      const operatorRequests = auditedRequests(auditLog);
      options.log(`M=${m}: ${death.message}`);
      return {
        ...common,
        failure: running.logTail(3).trim().split('\n').slice(-1)[0] ?? 'exited',
        ...(allAvailableSeconds === undefined ? {} : { allAvailableSeconds }),
        operatorRequests,
        operatorRequestsTotal: Object.values(operatorRequests).reduce((a, b) => a + b, 0),
        peakRssBytes,
        rssBytes,
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await operator?.stop();
    http.close();
    await env.stop();
  }
}

export async function runMemcachedAtScale(options: MemcachedAtScaleOptions): Promise<MemcachedRun[]> {
  const runs: MemcachedRun[] = [];
  for (const m of options.sizes) {
    const t0 = performance.now();
    const run = await runOnce(options, m);
    runs.push(run);
    options.log(
      `memcached M=${m}: ${run.failure ? `FAILED (${run.failure}), ` : ''}peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ${run.operatorRequestsTotal} operator requests, ` +
        `scale event ${JSON.stringify(run.scale)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  return runs;
}
