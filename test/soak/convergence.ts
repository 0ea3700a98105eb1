import { isDeepStrictEqual } from 'node:util';
import type {
  V1ConfigMap,
  V1Deployment,
  V1EndpointSlice,
  V1Pod,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  ConfigMap,
  Deployment,
  EndpointSlice,
  Pod,
  Service,
  StatefulSet,
  type KubeClient,
} from '@spoke/manager';
import {
  configMapOfDeployment,
  MemcachedKind,
  newestConfigMap,
  proxyName,
  selectorLabels,
  type Memcached,
} from '@spoke/memcached-operator';
import { holdsWrittenSpec, type WrittenSpec } from './spec-churn.js';

/** Everything in the soak's namespace that convergence is judged on, read at one moment. */
export interface ClusterSnapshot {
  readonly memcacheds: readonly Memcached[];
  readonly statefulSets: readonly V1StatefulSet[];
  readonly deployments: readonly V1Deployment[];
  readonly services: readonly V1Service[];
  readonly pods: readonly V1Pod[];
  readonly endpointSlices: readonly V1EndpointSlice[];
  readonly configMaps: readonly V1ConfigMap[];
}

/** Six LISTs, straight from the API server (the admin's client has no cache). */
export async function snapshot(client: KubeClient, namespace: string): Promise<ClusterSnapshot> {
  const [memcacheds, statefulSets, deployments, services, pods, endpointSlices, configMaps] =
    await Promise.all([
      client.list(MemcachedKind, { namespace }),
      client.list(StatefulSet, { namespace }),
      client.list(Deployment, { namespace }),
      client.list(Service, { namespace }),
      client.list(Pod, { namespace }),
      client.list(EndpointSlice, { namespace }),
      client.list(ConfigMap, { namespace }),
    ]);
  return { memcacheds, statefulSets, deployments, services, pods, endpointSlices, configMaps };
}

const named = <T extends { metadata?: { name?: string } }>(
  items: readonly T[],
  name: string,
): T | undefined => items.find((i) => i.metadata?.name === name);

function hasLabels(
  obj: { metadata?: { labels?: Record<string, string> } },
  labels: Record<string, string>,
): boolean {
  return Object.entries(labels).every(([k, v]) => obj.metadata?.labels?.[k] === v);
}

/** `ip:port` of every ready server endpoint of the Memcached's headless Service, by pod name. */
export function readyServers(slices: readonly V1EndpointSlice[], name: string): Map<string, string> {
  const ready = new Map<string, string>();
  for (const slice of slices) {
    if (slice.metadata?.labels?.['kubernetes.io/service-name'] !== name) continue;
    const port = slice.ports?.find((p) => p.name === 'memcached')?.port;
    for (const e of slice.endpoints ?? []) {
      const pod = e.targetRef?.name;
      const ip = e.addresses[0];
      if (
        pod &&
        ip &&
        port !== undefined &&
        e.conditions?.ready !== false &&
        e.conditions?.terminating !== true
      )
        ready.set(pod, `${ip}:${port}`);
    }
  }
  return ready;
}

/** Every server address (`a.b.c.d:port`) a rendered proxy config mentions; not its own listen address. */
function addressesIn(configMap: V1ConfigMap): string[] {
  const text = Object.values(configMap.data ?? {}).join('\n');
  const all = text.match(/\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b/g) ?? [];
  return [...new Set(all.filter((a) => !a.startsWith('0.0.0.0:') && !a.startsWith('127.')))].sort();
}

const condition = (mc: Memcached, type: string) =>
  mc.status?.conditions?.find((c) => c.type === type)?.status;

/**
 * What keeps one Memcached from being converged to the last spec written; empty when it is. Converged means: the
 * spec is the last one written (no lost update) and the status says so for this generation (Available, not
 * Progressing); the servers are the spec's, all ready; the current ConfigMap lists exactly the ready servers, in the
 * spec's engine and topology; the proxy Deployment is rolled out on it with the spec's replicas, every proxy pod
 * ready and mounting it; both Services select what they should. Read from the cluster, not from the operator.
 */
export function convergenceProblems(snap: ClusterSnapshot, name: string, written: WrittenSpec): string[] {
  const problems: string[] = [];
  const mc = named(snap.memcacheds, name);
  if (!mc) return ['the Memcached is gone'];
  const spec = written.spec;
  if (!holdsWrittenSpec(mc, written))
    problems.push(
      `spec is not the last written (generation ${mc.metadata?.generation ?? '?'}, written ${written.generation})`,
    );
  if (mc.status?.observedGeneration !== mc.metadata?.generation)
    problems.push(
      `status.observedGeneration ${mc.status?.observedGeneration ?? '-'} ≠ ${mc.metadata?.generation ?? '-'}`,
    );
  if (condition(mc, 'Available') !== 'True') problems.push('not Available');
  if (condition(mc, 'Progressing') !== 'False') problems.push('Progressing');

  const sts = named(snap.statefulSets, name);
  if (sts?.spec?.replicas !== spec.replicas)
    problems.push(`StatefulSet replicas ${sts?.spec?.replicas ?? '-'} ≠ ${spec.replicas}`);
  const ready = readyServers(snap.endpointSlices, name);
  const expected = Array.from({ length: spec.replicas }, (_, i) => `${name}-${i}`);
  if (!isDeepStrictEqual([...ready.keys()].sort(), [...expected].sort()))
    problems.push(`ready servers [${[...ready.keys()].sort().join(',')}] ≠ [${expected.join(',')}]`);

  const owned = snap.configMaps.filter((cm) => hasLabels(cm, selectorLabels(name, 'proxy-config')));
  const current = newestConfigMap(owned);
  const configName = mc.status?.configMap;
  if (!current || current.metadata?.name !== configName)
    problems.push(
      `status.configMap ${configName ?? '-'} is not the newest ConfigMap ${current?.metadata?.name ?? '-'}`,
    );
  if (current) {
    const listed = addressesIn(current);
    const want = [...ready.values()].sort();
    if (!isDeepStrictEqual(listed, want))
      problems.push(
        `config ${current.metadata?.name ?? ''} lists [${listed.join(',')}], ready [${want.join(',')}]`,
      );
    const key = spec.proxy.engine === 'Twemproxy' ? 'nutcracker.yml' : 'mcrouter.json';
    if (current.data?.[key] === undefined) problems.push(`config has no ${key} for ${spec.proxy.engine}`);
    const replicated = /AllSyncRoute/.test(current.data?.['mcrouter.json'] ?? '');
    if (replicated !== (spec.topology === 'Replicated'))
      problems.push(`config is ${replicated ? 'Replicated' : 'Sharded'}, spec ${spec.topology}`);
  }

  const deployment = named(snap.deployments, proxyName(name));
  const command = deployment?.spec?.template.spec?.containers[0]?.command?.[0];
  const wantCommand = spec.proxy.engine === 'Twemproxy' ? 'nutcracker' : 'mcrouter';
  const st = deployment?.status;
  if (!deployment) problems.push('no proxy Deployment');
  else {
    if (configMapOfDeployment(deployment) !== configName)
      problems.push(`proxy mounts ${configMapOfDeployment(deployment) ?? '-'}, not ${configName ?? '-'}`);
    if (command !== wantCommand) problems.push(`proxy runs ${command ?? '-'}, not ${wantCommand}`);
    if (deployment.spec?.replicas !== spec.proxy.replicas)
      problems.push(`proxy replicas ${deployment.spec?.replicas ?? '-'} ≠ ${spec.proxy.replicas}`);
    if (
      st?.observedGeneration !== deployment.metadata?.generation ||
      st?.replicas !== spec.proxy.replicas ||
      st.updatedReplicas !== spec.proxy.replicas ||
      st.readyReplicas !== spec.proxy.replicas
    )
      problems.push(
        `proxy not rolled out (replicas ${st?.replicas ?? 0}, updated ${st?.updatedReplicas ?? 0}, ready ${st?.readyReplicas ?? 0})`,
      );
  }
  const proxyPods = snap.pods.filter(
    (p) => hasLabels(p, selectorLabels(name, 'proxy')) && p.metadata?.deletionTimestamp === undefined,
  );
  const runningConfig = proxyPods.filter(
    (p) =>
      p.spec?.volumes?.find((v) => v.name === 'config')?.configMap?.name === configName &&
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  if (proxyPods.length !== spec.proxy.replicas || runningConfig.length !== spec.proxy.replicas)
    problems.push(
      `${runningConfig.length} of ${proxyPods.length} proxy pods ready on ${configName ?? '-'}, want ${spec.proxy.replicas}`,
    );

  for (const [service, component] of [
    [name, 'server'],
    [proxyName(name), 'proxy'],
  ] as const) {
    const selector = named(snap.services, service)?.spec?.selector;
    if (!isDeepStrictEqual(selector, selectorLabels(name, component)))
      problems.push(`Service ${service} selects ${JSON.stringify(selector ?? null)}`);
  }
  return problems;
}
