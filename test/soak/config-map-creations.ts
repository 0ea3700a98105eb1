import type { V1EndpointSlice } from '@kubernetes/client-node';
import type { ResolvedMemcachedSpec } from '@spoke/memcached-operator';
import type { AuditedRequest } from './audit-log.js';

/** A stretch of time in which a Memcached's backend set (and engine, topology) did not change. */
export interface SettledInterval {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** `engine/topology ready-servers`, the inputs of its proxy config. */
  readonly state: string;
  /** The ConfigMaps the operator created in it (names). */
  readonly created: readonly string[];
}

/** What {@link configMapCreations} found. */
export interface ConfigMapCreations {
  /** ConfigMaps created by the managers, per Memcached. */
  readonly createdBy: ReadonlyMap<string, number>;
  /** Intervals that lasted at least the settle window. */
  readonly settled: readonly SettledInterval[];
  /** Settled intervals with more than one creation: the defect "at most one ConfigMap per settled backend set". */
  readonly excess: readonly SettledInterval[];
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

const succeeded = (r: AuditedRequest): boolean => r.code !== undefined && r.code >= 200 && r.code < 300;

/**
 * Replays, per Memcached, the inputs of its proxy config — its ready server endpoints (from the EndpointSlice writes
 * in the audit log, with their bodies) and its engine and topology (from the specs written) — and counts the
 * ConfigMaps the managers created while those inputs stood still for at least `settleWindowMs`: one at most.
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
  const createdBy = new Map<string, number>();
  const settled: SettledInterval[] = [];
  for (const name of options.names) {
    type Step = { at: number; apply: () => void };
    const slices = new Map<string, SliceBody>();
    let specState = '';
    const steps: Step[] = [];
    for (const r of options.requests) {
      if (!succeeded(r)) continue;
      if (r.resource === 'endpointslices') {
        const body = r.requestObject as SliceBody | undefined;
        const slice = body?.metadata?.name ?? r.name;
        if (r.verb === 'delete') {
          // A delete has no body; a name this Memcached never had is a no-op.
          steps.push({ at: r.completedAt ?? r.receivedAt, apply: () => slices.delete(r.name) });
        } else if (body?.metadata?.labels?.['kubernetes.io/service-name'] === name) {
          steps.push({ at: r.completedAt ?? r.receivedAt, apply: () => slices.set(slice, body) });
        }
      }
    }
    for (const s of options.specs) {
      if (s.name !== name) continue;
      const state = `${s.spec.proxy.engine}/${s.spec.topology}`;
      steps.push({ at: s.at, apply: () => (specState = state) });
    }
    steps.sort((a, b) => a.at - b.at);
    const creations = options.requests.filter((r) => {
      if (r.verb !== 'create' || r.resource !== 'configmaps' || r.code !== 201 || !options.isManager(r.user))
        return false;
      return configMapName(r).startsWith(`${name}-proxy-`);
    });
    createdBy.set(name, creations.length);

    let state = '';
    let since = 0;
    const closeAt = (at: number): void => {
      if (since > 0 && at - since >= options.settleWindowMs) {
        const created = creations
          .filter((c) => c.receivedAt >= since && c.receivedAt < at)
          .map((c) => configMapName(c));
        settled.push({ name, start: since, end: at, state, created });
      }
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
  }
  return { createdBy, settled, excess: settled.filter((i) => i.created.length > 1) };
}

function configMapName(r: AuditedRequest): string {
  const body = r.requestObject as { metadata?: { name?: string } } | undefined;
  return body?.metadata?.name ?? r.name;
}
