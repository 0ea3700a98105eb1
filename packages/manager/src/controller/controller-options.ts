import type { KubernetesObject } from '@kubernetes/client-node';
import type { InformerOptions } from '../cache/cache.js';
import type { EventHandler } from '../handler/event-handler.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import type { Predicate } from '../predicate/predicate.js';
import type { RateLimiter } from '../workqueue/rate-limiter.js';

/** One extra watch of a controller: events for `kind` are turned into requests by `handler`. */
export interface WatchSpec<T extends KubernetesObject = KubernetesObject> {
  readonly kind: ResourceKind<T>;
  readonly handler: EventHandler<T>;
  /** Events pass only if every predicate passes them. Default none. */
  readonly predicates?: readonly Predicate<T>[];
  /** Narrows the informer (namespace, selectors, metadata only). Default: the cache's default informer for `kind`. */
  readonly options?: InformerOptions;
}

/** The status subresource of a kind, as a write target of its own: one controller reports status, others only read it. */
export interface StatusWriteTarget {
  readonly kind: ResourceKind;
  readonly subresource: 'status';
}

/**
 * What a controller writes: a kind (create, update, patch, apply, delete of its objects) or a kind's status
 * subresource (`{ kind, subresource: 'status' }`). Each target has one writer in a manager.
 */
export type WriteTarget = ResourceKind | StatusWriteTarget;

/** Whether `target` is a status subresource rather than a kind. */
export function isStatusWriteTarget(target: WriteTarget): target is StatusWriteTarget {
  return 'subresource' in target;
}

/** The kind a write target is of, and whether it is that kind's status. */
export function resolveWriteTarget(target: WriteTarget): {
  readonly kind: ResourceKind;
  readonly status: boolean;
} {
  return isStatusWriteTarget(target) ? { kind: target.kind, status: true } : { kind: target, status: false };
}

/** Type-checks that a watch's kind, handler and predicates agree on the object type. */
export function watch<T extends KubernetesObject>(spec: WatchSpec<T>): WatchSpec {
  return spec;
}

/**
 * What a controller is, declared once on its class with `@Controller(...)`. The same declaration drives the
 * informers it needs (and their RBAC get/list/watch), the one kind its client may write (and the RBAC write verbs),
 * and its worker pool.
 */
export interface ControllerOptions {
  /** Unique in the manager: names the queue, the metrics' `controller` label, the log field and the recorder. */
  readonly name: string;
  /** The kind it reconciles: each of its objects is one request (enqueueRequestForObject). */
  readonly for: ResourceKind;
  /** Events of `for` pass only if every predicate passes them. Default none. */
  readonly predicates?: readonly Predicate[];
  /**
   * Kinds it creates and owns with a controller owner reference: a change to one requests a reconcile of its `for`
   * owner (enqueueRequestForOwner with `onlyController`). Default none.
   */
  readonly owns?: readonly ResourceKind[];
  /** Other kinds it reacts to, with their own handlers. Default none. */
  readonly watches?: readonly WatchSpec[];
  /**
   * The one thing this controller writes: a kind (`writes: ConfigMap`), or a kind's status subresource
   * (`writes: { kind: Memcached, subresource: 'status' }`). Its injected client throws before sending any other
   * write (it may also add and remove its own finalizers on its `for` objects), and the manager refuses a second
   * controller with the same target, so that no two controllers fight over one object. Default none: a read-only
   * controller.
   */
  readonly writes?: WriteTarget;
  /** Reconciles running at once (for different requests; one request is never reconciled twice at once). Default 1. */
  readonly maxConcurrentReconciles?: number;
  /**
   * Aborts a reconcile's `signal` after this many milliseconds; the reconcile must honour it, and a rejection then
   * retries with backoff. Default none.
   */
  readonly reconcileTimeoutMs?: number;
  /**
   * Makes the retry policy of failed reconciles; called once per running controller. Default
   * `defaultControllerRateLimiter()`: per-request 5 ms → 1000 s, overall 10 qps burst 100.
   */
  readonly rateLimiter?: () => RateLimiter;
}

/** {@link ControllerOptions} with defaults applied: what `getControllerMetadata` returns. */
export interface ControllerMetadata extends ControllerOptions {
  readonly predicates: readonly Predicate[];
  readonly owns: readonly ResourceKind[];
  readonly watches: readonly WatchSpec[];
  readonly maxConcurrentReconciles: number;
}
