import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { Cache } from '../cache/cache.js';
import { isBuiltinKind } from '../kinds/builtin-kinds.js';
import { objectKeyString, type ObjectKey } from '../kinds/object-key.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import { defaultRequestTimeoutMs, RestClient, type RestRequest } from '../rest/rest-client.js';
import { describeTarget } from '../rest/resource-path.js';
import { isNotFound } from '../apierrors/api-error.js';
import {
  Client,
  type ApplyOptions,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type Patch,
  type RequestOptions,
  type StatusWriter,
  type WriteOptions,
} from './client.js';

/** Options of a {@link KubeClient}. */
export interface KubeClientOptions {
  readonly kubeConfig: KubeConfigLike;
  /**
   * Where reads come from unless `uncached` is set. Default none: every read goes to the API server. Each successful
   * write is reported to it ({@link Cache.recordWrite}), so that a cached read right after a write of this client
   * shows that write (read your own writes; see `SharedInformerCache.recordWrite`).
   */
  readonly cache?: Cache;
  /** The field manager of writes that name none (recorded in managedFields). Default: none, the server's default. */
  readonly fieldManager?: string;
  /** Objects per page of an uncached list. Default 500, as client-go's pager. */
  readonly pageSize?: number;
  /**
   * The deadline of each request that names none (`timeoutMs`): it rejects with a `TimeoutError` when no complete
   * response arrived in this time. Default `defaultRequestTimeoutMs` (30 s); 0 waits for ever.
   */
  readonly requestTimeoutMs?: number;
}

const patchContentTypes: Readonly<Record<Patch['type'], string>> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

interface ListBody<T> {
  readonly metadata?: { readonly continue?: string };
  readonly items?: T[];
}

/**
 * The {@link Client}: reads from the shared cache (no request) unless `uncached`, writes to the API server. Every
 * request is counted in `rest_client_requests_total`; refusals reject with an `ApiError` naming the verb and object.
 *
 * Reads see this process's own writes: after a create, update, patch, apply (status too) or delete through a client
 * on the cache, a cached `get` or `list` of that object waits until the informer shows the resourceVersion the
 * server returned (or the deletion), up to the cache's `readYourWritesTimeoutMs` (default 1 s). Without that, a
 * reconcile right after its own write reads the cache from before it and sends the same write again.
 */
export class KubeClient extends Client {
  readonly #rest: RestClient;
  readonly #cache: Cache | undefined;
  readonly #fieldManager: string | undefined;
  readonly #pageSize: number;
  readonly #requestTimeoutMs: number;
  readonly status: StatusWriter;

  constructor(options: KubeClientOptions) {
    super();
    this.#rest = RestClient.for(options.kubeConfig);
    this.#cache = options.cache;
    this.#fieldManager = options.fieldManager;
    this.#pageSize = options.pageSize ?? 500;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
    this.status = {
      update: (kind, obj, opts) => this.write('update', 'PUT', kind, obj, 'status', opts),
      patch: (kind, key, patch, opts) => this.sendPatch(kind, key, patch, 'status', opts),
    };
  }

  async get<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options: GetOptions = {},
  ): Promise<T | undefined> {
    if (this.#cache && !options.uncached) return this.#cache.get(kind, key);
    try {
      const obj = await this.#rest.request<T>({
        verb: 'get',
        method: 'GET',
        kind,
        namespace: this.namespaceOf(kind, key.namespace, 'get', key.name),
        name: key.name,
        ...this.limits(options),
      });
      return obj;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubernetesObject>(kind: ResourceKind<T>, options: ListOptions = {}): Promise<T[]> {
    const namespace = kind.namespaced ? options.namespace : undefined;
    if (this.#cache && !options.uncached) {
      if (options.fieldSelector) {
        throw new Error(
          `list ${describeTarget(kind, { namespace })}: the cache cannot filter by fields; use an index, or uncached: true`,
        );
      }
      return this.#cache.list(kind, options);
    }
    if (options.index) {
      throw new Error(
        `list ${describeTarget(kind, { namespace })}: an index is a cache feature; drop uncached to use it`,
      );
    }
    const items: T[] = [];
    let continueToken: string | undefined;
    do {
      const body = await this.#rest.request<ListBody<T>>({
        verb: 'list',
        method: 'GET',
        kind,
        namespace,
        query: {
          limit: this.#pageSize,
          continue: continueToken,
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
        },
        ...this.limits(options),
      });
      for (const item of body.items ?? []) {
        // List items carry no apiVersion/kind; objects from every other path do.
        item.apiVersion = kind.apiVersion;
        item.kind = kind.kind;
        items.push(item);
      }
      continueToken = body.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  create<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options?: WriteOptions): Promise<T> {
    return this.write('create', 'POST', kind, obj, undefined, options);
  }

  update<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options?: WriteOptions): Promise<T> {
    return this.write('update', 'PUT', kind, obj, undefined, options);
  }

  patch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<T> {
    return this.sendPatch(kind, key, patch, undefined, options);
  }

  async apply<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options: ApplyOptions): Promise<T> {
    const name = this.nameOf(kind, obj, 'apply');
    const namespace = this.namespaceOf(kind, obj.metadata?.namespace, 'apply', name);
    const body = this.withKind(kind, obj, 'apply');
    // The server refuses an applied configuration that carries managedFields.
    if (body.metadata?.managedFields) {
      body.metadata = Object.assign({}, body.metadata);
      delete body.metadata.managedFields;
    }
    const applied = await this.#rest.request<T>({
      verb: 'apply',
      method: 'PATCH',
      kind,
      namespace,
      name,
      query: {
        fieldManager: options.fieldManager,
        force: options.force,
        dryRun: options.dryRun ? 'All' : undefined,
      },
      body,
      contentType: 'application/apply-patch+yaml',
      ...this.limits(options),
    });
    return this.recorded(kind, applied, options.dryRun);
  }

  async delete<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options: DeleteOptions = {},
  ): Promise<void> {
    const namespace = this.namespaceOf(kind, key.namespace, 'delete', key.name);
    const response = await this.#rest.request<KubernetesObject | undefined>({
      verb: 'delete',
      method: 'DELETE',
      kind,
      namespace,
      name: key.name,
      body: {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: options.propagationPolicy ?? 'Background',
        preconditions: options.preconditions,
        gracePeriodSeconds: options.gracePeriodSeconds,
      },
      ...this.limits(options),
    });
    // The server answers with the object: gone (at the deletion's resourceVersion), or still there with a
    // deletionTimestamp while finalizers or a grace period hold it. An older server may answer with a Status.
    const resourceVersion = response?.kind === kind.kind ? response.metadata?.resourceVersion : undefined;
    this.#cache?.recordWrite?.(kind, { namespace, name: key.name, resourceVersion, deleted: true });
  }

  private async write<T extends KubernetesObject>(
    verb: 'create' | 'update',
    method: 'POST' | 'PUT',
    kind: ResourceKind<T>,
    obj: T,
    subresource: 'status' | undefined,
    options: WriteOptions = {},
  ): Promise<T> {
    const name = verb === 'create' && !subresource ? obj.metadata?.name : this.nameOf(kind, obj, verb);
    const namespace = this.namespaceOf(
      kind,
      obj.metadata?.namespace,
      verb,
      name ?? obj.metadata?.generateName ?? '',
    );
    const req: RestRequest = {
      verb,
      method,
      kind,
      namespace,
      // A create goes to the collection; errors still name the object.
      name: method === 'POST' ? undefined : name,
      subresource,
      query: this.writeQuery(options),
      body: this.withKind(kind, obj, verb),
      action: `${verb} ${describeTarget(kind, { namespace, name, subresource })}`,
      ...this.limits(options),
    };
    return this.recorded(kind, await this.#rest.request<T>(req), options.dryRun);
  }

  private async sendPatch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    subresource: 'status' | undefined,
    options: WriteOptions = {},
  ): Promise<T> {
    const label = 'patch';
    const namespace = this.namespaceOf(kind, key.namespace, label, key.name);
    if (patch.type === 'strategic' && !isBuiltinKind(kind)) {
      // The API server answers 415 for custom resources; say why before sending anything.
      throw new Error(
        `${label} ${describeTarget(kind, { namespace, name: key.name, subresource })}: strategic merge patch needs a ` +
          `built-in kind (custom resources have no patch strategy); use a merge or JSON patch, or server-side apply`,
      );
    }
    const patched = await this.#rest.request<T>({
      verb: label,
      method: 'PATCH',
      kind,
      namespace,
      name: key.name,
      subresource,
      query: this.writeQuery(options),
      body: patch.body,
      contentType: patchContentTypes[patch.type],
      ...this.limits(options),
    });
    return this.recorded(kind, patched, options.dryRun);
  }

  /** Tells the cache what a successful write left at the server, so reads of it wait to show it; returns `written`. */
  private recorded<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    written: T,
    dryRun: boolean | undefined,
  ): T {
    const meta = written.metadata;
    if (!this.#cache?.recordWrite || dryRun || !meta?.name) return written;
    // Removing the last finalizer of an object being deleted deletes it: the server answers with the object as it
    // was (at its old resourceVersion), and the watch shows its deletion, so absence is what to wait for.
    const deleted =
      meta.deletionTimestamp !== undefined &&
      meta.deletionGracePeriodSeconds === 0 &&
      (meta.finalizers ?? []).length === 0;
    this.#cache.recordWrite(kind, {
      namespace: meta.namespace,
      name: meta.name,
      resourceVersion: deleted ? undefined : meta.resourceVersion,
      deleted,
    });
    return written;
  }

  /** The caller's signal, and its deadline or the client's. */
  private limits(options: RequestOptions): { signal?: AbortSignal; timeoutMs: number } {
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    return options.signal ? { signal: options.signal, timeoutMs } : { timeoutMs };
  }

  private writeQuery(options: WriteOptions): RestRequest['query'] {
    return {
      fieldManager: options.fieldManager ?? this.#fieldManager,
      dryRun: options.dryRun ? 'All' : undefined,
    };
  }

  private nameOf(kind: ResourceKind, obj: KubernetesObject, verb: string): string {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`${verb} ${kind.apiVersion} ${kind.kind}: the object has no metadata.name`);
    return name;
  }

  private namespaceOf(
    kind: ResourceKind,
    namespace: string | undefined,
    verb: string,
    name: string,
  ): string | undefined {
    if (!kind.namespaced) return undefined;
    if (!namespace) {
      throw new Error(
        `${verb} ${kind.apiVersion} ${kind.kind} ${name}: a namespaced kind needs metadata.namespace`,
      );
    }
    return namespace;
  }

  /** Fills in apiVersion/kind (the server requires them) and refuses an object of another kind. */
  private withKind<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, verb: string): T {
    if ((obj.apiVersion && obj.apiVersion !== kind.apiVersion) || (obj.kind && obj.kind !== kind.kind)) {
      const key = objectKeyString({ namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? '' });
      throw new Error(
        `${verb} ${kind.apiVersion} ${kind.kind} ${key}: the object says ${obj.apiVersion ?? '?'} ${obj.kind ?? '?'}`,
      );
    }
    return { ...obj, apiVersion: kind.apiVersion, kind: kind.kind };
  }
}
