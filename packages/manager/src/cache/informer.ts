import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceKind } from '../kinds/resource-kind.js';

/**
 * Receives an informer's events, as client-go's ResourceEventHandler. Handlers run synchronously, in event order,
 * and must not block: a controller's handler only turns events into queue keys.
 */
export interface ResourceEventHandler<T extends KubernetesObject> {
  /** A new object; `isInInitialList` is true for objects delivered by a (re)list rather than a live watch event. */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** A changed object; `isResync` is true for the periodic replay from the cache, where `oldObj === newObj`. */
  onUpdate?(oldObj: T, newObj: T, isResync: boolean): void;
  /** A deleted object, in its last known state (after a relist gap, the state the cache last held). */
  onDelete?(obj: T): void;
}

/** A registered handler; `remove()` stops its events. */
export interface HandlerRegistration {
  remove(): void;
}

/** The informer's local copy of the objects it watches. Reads never reach the API server. */
export interface Store<T extends KubernetesObject> {
  /** By `namespace/name` (or `name` for cluster-scoped kinds). */
  get(key: string): T | undefined;
  list(): T[];
  /** Objects whose index function returned `value` for the index `indexName`. */
  byIndex(indexName: string, value: string): T[];
}

/** Where the informer's watch is; `/readyz` reports informers that are not `Watching` for too long. */
export type InformerPhase = 'Pending' | 'Listing' | 'Watching' | 'Backoff' | 'Stopped';

/** One LIST+WATCH of one kind (per namespace and selectors), shared by every controller and client in the process. */
export interface Informer<T extends KubernetesObject> {
  readonly kind: ResourceKind<T>;
  readonly store: Store<T>;
  addEventHandler(handler: ResourceEventHandler<T>): HandlerRegistration;
  /** True once the first full list has been stored and delivered to handlers. */
  hasSynced(): boolean;
  readonly phase: InformerPhase;
  /** The resourceVersion of the last list or watch event stored. */
  readonly lastSyncResourceVersion: string | undefined;
}

/** Computes index values of an object; an object may appear under several values or none. */
export type IndexFunc<T extends KubernetesObject> = (obj: T) => string[];
