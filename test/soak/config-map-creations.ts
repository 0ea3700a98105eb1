import type { V1ConfigMap, V1EndpointSlice } from '@kubernetes/client-node';
import { backendsOf, type ResolvedMemcachedSpec } from '@spoke/memcached-operator';
import type { AuditedRequest } from '../support/audit-log.js';

/** A ConfigMap a manager created, and the inputs of the config it holds. */
export interface CreatedConfigMap {
  readonly name: string;
  readonly at: number;
  /** `engine/topology server@address,...`: what it was rendered from, comparable with {@link SettledInterval.state}. */
  readonly state: string;
}

/** A stretch of time in which a Memcached's backend set (and engine, topology) did not change. */
export interface SettledInterval {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** `engine/topology server@address,...`: the inputs of its proxy config. */
  readonly state: string;
  /** The ConfigMaps the managers created in it. */
  readonly created: readonly CreatedConfigMap[];
  /** Those of them that hold this very backend set. */
  readonly matching: readonly CreatedConfigMap[];
}

/** What {@link configMapCreations} found. */
export interface ConfigMapCreations {
  /** ConfigMaps created by the managers, per Memcached. */
  readonly createdBy: Readonly<Record<string, number>>;
  /** Intervals that lasted at least the settle window. */
  readonly settled: readonly SettledInterval[];
  /** Settled intervals whose backend set got more than one ConfigMap: "at most one per settled set" broken. */
  readonly excess: readonly SettledInterval[];
  /** ConfigMaps for a backend set that never settled (a passing state, or a stale cache's): churn, not a defect. */
  readonly transitional: readonly (CreatedConfigMap & { readonly memcached: string })[];
}

interface SliceBody {
  readonly metadata?: { readonly name?: string; readonly labels?: Record<string, string> };
  readonly ports?: V1EndpointSlice['ports'];
  readonly endpoints?: V1EndpointSlice['endpoints'];
}

function readyKey(slices: ReadonlyMap<string, SliceBody>): string {
  const ready: string[] = [];
  for (const slice of slices.values()) {
    const port = slice.ports?.find((p) => p.name === 'memcached')?.port;
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false || e.conditions?.terminating === true) continue;
      ready.push(`${e.targetRef?.name ?? '?'}@${e.addresses[0] ?? '?'}:${port ?? '?'}`);
    }
  }
  return ready.sort().join(',');
}

/** The inputs a ConfigMap's config was rendered from: the engine by its file, the topology by its routes. */
function configState(configMap: V1ConfigMap | undefined): string {
  const data = configMap?.data ?? {};
  const engine = data['nutcracker.yml'] !== undefined ? 'Twemproxy' : 'Mcrouter';
  const topology = /AllSyncRoute/.test(data['mcrouter.json'] ?? '') ? 'Replicated' : 'Sharded';
  const servers = backendsOf(configMap)
    .map((b) => `${b.name}@${b.address}`)
    .sort()
    .join(',');
  return `${engine}/${topology} ${servers}`;
}

const succeeded = (r: AuditedRequest): boolean => r.code !== undefined && r.code >= 200 && r.code < 300;

/** A slice's name: a create by generateName has it only in the response. */
function sliceName(r: AuditedRequest): string {
  const named = (body: unknown) => (body as SliceBody | undefined)?.metadata?.name;
  return named(r.responseObject) ?? named(r.requestObject) ?? r.name;
}

/**
 * Replays, per Memcached, the inputs of its proxy config — its ready server endpoints (from the EndpointSlice writes
 * in the audit log, with their bodies) and its engine and topology (from the specs written) — finds the stretches in
 * which they stood still for at least `settleWindowMs`, and checks that the managers created at most one ConfigMap
 * holding each such settled set.
 */
export function configMapCreations(options: {
  readonly requests: readonly AuditedRequest[];
  readonly names: readonly string[];
  readonly isManager: (user: string) => boolean;
  readonly specs: readonly {
    readonly name: string;
    readonly at: number;
    readonly spec: ResolvedMemcachedSpec;
  }[];
  readonly settleWindowMs: number;
  readonly end: number;
}): ConfigMapCreations {
  const createdBy: Record<string, number> = {};
  const settled: SettledInterval[] = [];
  const transitional: (CreatedConfigMap & { memcached: string })[] = [];
  for (const name of options.names) {
    const slices = new Map<string, SliceBody>();
    let specState = '';
    const steps: { at: number; apply: () => void }[] = [];
    for (const r of options.requests) {
      if (r.resource !== 'endpointslices' || !succeeded(r)) continue;
      const at = r.completedAt ?? r.receivedAt;
      const slice = sliceName(r);
      const body = r.requestObject as SliceBody | undefined;
      // A delete has no body; a slice this Memcached never had is a no-op.
      if (r.verb === 'delete') steps.push({ at, apply: () => slices.delete(slice) });
      else if (body?.metadata?.labels?.['kubernetes.io/service-name'] === name)
        steps.push({ at, apply: () => slices.set(slice, body) });
    }
    for (const s of options.specs) {
      if (s.name !== name) continue;
      const state = `${s.spec.proxy.engine}/${s.spec.topology}`;
      steps.push({ at: s.at, apply: () => (specState = state) });
    }
    steps.sort((a, b) => a.at - b.at);
    const creations: CreatedConfigMap[] = options.requests.flatMap((r) => {
      if (r.verb !== 'create' || r.resource !== 'configmaps' || r.code !== 201 || !options.isManager(r.user))
        return [];
      const body = r.requestObject as V1ConfigMap | undefined;
      const cm = body?.metadata?.name ?? r.name;
      return cm.startsWith(`${name}-proxy-`)
        ? [{ name: cm, at: r.receivedAt, state: configState(body) }]
        : [];
    });
    createdBy[name] = creations.length;

    const mine: SettledInterval[] = [];
    let state = '';
    let since = 0;
    const closeAt = (at: number): void => {
      if (since === 0 || at - since < options.settleWindowMs) return;
      const created = creations.filter((c) => c.at >= since && c.at < at);
      mine.push({
        name,
        start: since,
        end: at,
        state,
        created,
        matching: created.filter((c) => c.state === state),
      });
    };
    for (const step of steps) {
      step.apply();
      const next = `${specState} ${readyKey(slices)}`;
      if (next === state) continue;
      closeAt(step.at);
      state = next;
      since = step.at;
    }
    closeAt(options.end);
    settled.push(...mine);
    const settledStates = new Set(mine.map((i) => i.state));
    for (const c of creations) if (!settledStates.has(c.state)) transitional.push({ ...c, memcached: name });
  }
  return { createdBy, settled, excess: settled.filter((i) => i.matching.length > 1), transitional };
}
