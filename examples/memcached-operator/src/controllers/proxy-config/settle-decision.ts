import type { ObservedBackends } from './backends-from-endpoint-slices.js';

/** What the ProxyConfigController does with a config rendered from the current endpoints. */
export type SettleDecision =
  | { readonly publish: true }
  | { readonly publish: false; readonly retryAfterMs: number };

/** Inputs of {@link settleDecision}. */
export interface SettleInput {
  /** The pod names the StatefulSet should have (`<name>-0` .. `<name>-(replicas-1)`). */
  readonly expectedNames: readonly string[];
  readonly observed: ObservedBackends;
  /** When this Memcached was first seen waiting for servers (ms since epoch); undefined if it was not waiting. */
  readonly pendingSince: number | undefined;
  readonly now: number;
  /** How long to wait for starting servers before publishing without them. */
  readonly settleMs: number;
  /** Whether a config has been published before (the proxy is serving one). */
  readonly hasPublished: boolean;
}

/**
 * Whether to publish a new proxy config now, or wait a little for servers that should exist but are not ready.
 *
 * Pods of a scale-up or a restart become ready a few seconds apart; publishing on each would write one ConfigMap and
 * roll the proxy once per pod. Waiting until every expected server is ready (or `settleMs` has passed, so that a
 * server that never becomes ready does not block the others) gives one ConfigMap and one rollout per change.
 * Servers that are no longer expected (scale-down) never make it wait.
 *
 * When servers are expected but none is ready and a config is already published, it holds that config however long
 * the outage lasts: an empty config cannot serve anything, and rolling every proxy to it and back would turn a
 * passing outage (a node gone quiet, all pods marked NotReady) into two rollouts. The status reports the outage.
 */
export function settleDecision(input: SettleInput): SettleDecision {
  const ready = new Set(input.observed.ready.map((b) => b.name));
  const waitingFor = input.expectedNames.filter((n) => !ready.has(n));
  if (waitingFor.length === 0) return { publish: true };
  if (input.hasPublished && waitingFor.length === input.expectedNames.length) {
    return { publish: false, retryAfterMs: input.settleMs };
  }
  const since = input.pendingSince ?? input.now;
  const remaining = since + input.settleMs - input.now;
  return remaining > 0 ? { publish: false, retryAfterMs: remaining } : { publish: true };
}

/** `<name>-0` .. `<name>-(replicas-1)`: the pods a StatefulSet of `replicas` should have. */
export function expectedPodNames(statefulSetName: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${statefulSetName}-${i}`);
}
