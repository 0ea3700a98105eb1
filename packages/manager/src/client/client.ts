import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceKind } from '../kinds/resource-kind.js';
import type { ObjectKey } from '../kinds/object-key.js';
import type { CacheListOptions } from '../cache/cache.js';

/**
 * What every request to the API server may carry. A cached read sends no request and ignores both.
 *
 * Pass the reconcile's `ctx.signal`: then a lost lease, the end of the graceful shutdown or `reconcileTimeoutMs`
 * aborts the request in flight instead of leaving the worker waiting on it (the request rejects with the signal's
 * reason). A controller's client also aborts its writes in flight when the manager fences writes, whatever signal
 * the caller passed.
 */
export interface RequestOptions {
  /** Aborts the request; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Gives up when no complete response arrived in this time, rejecting with a `TimeoutError`. Default the client's
   * `requestTimeoutMs` (30 s, `defaultRequestTimeoutMs`); 0 waits for ever. An uncached list applies it per page.
   */
  readonly timeoutMs?: number;
}

/** Read options: reads come from the shared cache unless `uncached` is set. */
export interface GetOptions extends RequestOptions {
  /** Read from the API server instead of the cache (one GET). Default false: the cache is the source of reads. */
  readonly uncached?: boolean;
}

export interface ListOptions extends CacheListOptions, GetOptions {
  readonly fieldSelector?: string;
}

export interface WriteOptions extends RequestOptions {
  /** Validate and admit the request without persisting it. */
  readonly dryRun?: boolean;
  /** The field manager recorded in managedFields; default the manager's name. */
  readonly fieldManager?: string;
}

/** A patch body with its content type. */
export type Patch =
  | { readonly type: 'merge'; readonly body: object }
  | { readonly type: 'json'; readonly body: readonly JsonPatchOperation[] }
  | { readonly type: 'strategic'; readonly body: object };

export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

export interface ApplyOptions extends RequestOptions {
  /** Required by server-side apply: who owns the applied fields. */
  readonly fieldManager: string;
  /** Take ownership of fields another manager owns, instead of failing with 409 Conflict. */
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

export interface DeleteOptions extends RequestOptions {
  /** Default `Background`, as kubectl: the object goes now, the garbage collector removes dependents after. */
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly gracePeriodSeconds?: number;
}

/** Writes to the status subresource. */
export interface StatusWriter {
  update<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options?: WriteOptions): Promise<T>;
  patch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<T>;
}

/**
 * Reads (from the shared cache by default) and writes (to the API server) typed objects.
 *
 * An abstract class rather than an interface so that it can be a constructor-injection token: a controller that
 * declares `constructor(private readonly client: Client)` receives a client guarded to the one kind it writes.
 * Failed requests reject with an {@link ApiError}.
 */
export abstract class Client {
  /**
   * The object under `key`, or undefined if there is none. Read from the cache (unless `uncached`), it is **shared
   * and deep-frozen** (see `Cache.get`): mutating it throws a TypeError; `structuredClone` it before changing it.
   */
  abstract get<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: GetOptions,
  ): Promise<T | undefined>;
  /** The objects that match; from the cache (unless `uncached`) they are shared and deep-frozen, as `get`'s. */
  abstract list<T extends KubernetesObject>(kind: ResourceKind<T>, options?: ListOptions): Promise<T[]>;
  abstract create<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options?: WriteOptions,
  ): Promise<T>;
  /** Replaces the object; its `metadata.resourceVersion` makes this an optimistic-concurrency write (409 if stale). */
  abstract update<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options?: WriteOptions,
  ): Promise<T>;
  abstract patch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<T>;
  /** Server-side apply of a partial object (`apiVersion`, `kind`, `metadata.name` and the fields you own). */
  abstract apply<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options: ApplyOptions,
  ): Promise<T>;
  /** Resolves when the API accepted the deletion; a missing object rejects with a NotFound {@link ApiError}. */
  abstract delete<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: DeleteOptions,
  ): Promise<void>;
  abstract readonly status: StatusWriter;
}
