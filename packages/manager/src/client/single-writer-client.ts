import type { KubernetesObject } from '@kubernetes/client-node';
import { deepEqual } from '../internal/json/deep-equal.js';
import { keyOf, objectKeyString, type ObjectKey } from '../kinds/object-key.js';
import { kindId, type ResourceKind } from '../kinds/resource-kind.js';
import {
  Client,
  type ApplyOptions,
  type DeleteOptions,
  type GetOptions,
  type JsonPatchOperation,
  type ListOptions,
  type Patch,
  type StatusWriter,
  type WriteOptions,
} from './client.js';

/** Who a guarded client writes for. */
export interface SingleWriterOptions {
  /** The controller's name, as errors and logs name it. */
  readonly controller: string;
  /** The one kind this controller creates, updates, patches, applies and deletes. */
  readonly writes: ResourceKind;
  /** The kind it reconciles: it may also write that kind's status and finalizers, nothing else of it. */
  readonly for: ResourceKind;
}

/**
 * A write the single-writer rule forbids: each kind has one writer, so two controllers never fight over an object.
 * Thrown before any request is sent.
 */
export class SingleWriterViolationError extends Error {
  override readonly name = 'SingleWriterViolationError';
  constructor(
    readonly controller: string,
    /** The kind the controller tried to write, e.g. `apps/v1/Deployment`. */
    readonly kind: string,
    /** What it tried: `create default/web`, `patch status default/web`... */
    readonly attempted: string,
    /** The kind it may write. */
    readonly allowed: string,
  ) {
    super(
      `controller ${controller} may not ${attempted} of kind ${kind}: it writes only ${allowed} ` +
        `(plus status and finalizers of the kind it reconciles); let the controller that owns ${kind} write it`,
    );
  }
}

const finalizerMergeKeys = new Set([
  'finalizers',
  'resourceVersion',
  '$setElementOrder/finalizers',
  '$deleteFromPrimitiveList/finalizers',
]);
const finalizerApplyKeys = new Set(['name', 'namespace', 'finalizers', 'resourceVersion']);

function onlyKeys(value: unknown, allowed: ReadonlySet<string>): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).every((key) => allowed.has(key))
  );
}

/** A merge or strategic patch body that touches nothing but `metadata.finalizers` (and a resourceVersion guard). */
function isFinalizerOnlyMergePatch(body: object): boolean {
  const keys = Object.keys(body);
  return (
    keys.length === 1 &&
    keys[0] === 'metadata' &&
    onlyKeys((body as { metadata: unknown }).metadata, finalizerMergeKeys)
  );
}

/** A JSON patch that touches nothing but `/metadata/finalizers`, optionally `test`ing the resourceVersion first. */
function isFinalizerOnlyJsonPatch(ops: readonly JsonPatchOperation[]): boolean {
  return ops.every(
    (op) =>
      op.path === '/metadata/finalizers' ||
      op.path.startsWith('/metadata/finalizers/') ||
      (op.op === 'test' && op.path === '/metadata/resourceVersion'),
  );
}

function isFinalizerOnlyPatch(patch: Patch): boolean {
  return patch.type === 'json' ? isFinalizerOnlyJsonPatch(patch.body) : isFinalizerOnlyMergePatch(patch.body);
}

/** The object without what an update of the main resource may change under the finalizer exception. */
function withoutFinalizersAndStatus(obj: KubernetesObject): unknown {
  const { metadata, ...rest } = obj as KubernetesObject & { status?: unknown };
  const copy: Record<string, unknown> = { ...rest };
  // The main resource's update ignores status, so a stale status in the object is not a change.
  delete copy.status;
  if (metadata) {
    const meta: Record<string, unknown> = { ...(metadata as Record<string, unknown>) };
    for (const ignored of ['finalizers', 'resourceVersion', 'managedFields']) meta[ignored] = undefined;
    copy.metadata = meta;
  }
  return copy;
}

class SingleWriterClient extends Client {
  readonly status: StatusWriter;
  readonly #writes: string;
  readonly #for: string;

  constructor(
    private readonly inner: Client,
    private readonly options: SingleWriterOptions,
  ) {
    super();
    this.#writes = kindId(options.writes);
    this.#for = kindId(options.for);
    this.status = {
      update: async (kind, obj, opts) => {
        this.checkStatus(kind, `update status ${describe(keyOfOrName(obj))}`);
        return this.inner.status.update(kind, obj, opts);
      },
      patch: async (kind, key, patch, opts) => {
        this.checkStatus(kind, `patch status ${describe(key)}`);
        return this.inner.status.patch(kind, key, patch, opts);
      },
    };
  }

  get<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: GetOptions,
  ): Promise<T | undefined> {
    return this.inner.get(kind, key, options);
  }

  list<T extends KubernetesObject>(kind: ResourceKind<T>, options?: ListOptions): Promise<T[]> {
    return this.inner.list(kind, options);
  }

  async create<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options?: WriteOptions,
  ): Promise<T> {
    this.checkWrite(kind, `create ${describe(keyOfOrName(obj))}`);
    return this.inner.create(kind, obj, options);
  }

  async update<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options?: WriteOptions,
  ): Promise<T> {
    if (!this.isWritten(kind)) {
      const attempted = `update ${describe(keyOfOrName(obj))}`;
      if (!this.isFor(kind)) throw this.violation(kind, attempted);
      // The reconciled kind: allowed only when nothing but finalizers differs from what the cache holds.
      const current = await this.inner.get(kind, keyOf(obj));
      if (!current || !deepEqual(withoutFinalizersAndStatus(current), withoutFinalizersAndStatus(obj))) {
        throw this.violation(kind, `${attempted} (beyond finalizers)`);
      }
    }
    return this.inner.update(kind, obj, options);
  }

  async patch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<T> {
    if (!this.isWritten(kind) && !(this.isFor(kind) && isFinalizerOnlyPatch(patch))) {
      throw this.violation(kind, `patch ${describe(key)}${this.isFor(kind) ? ' (beyond finalizers)' : ''}`);
    }
    return this.inner.patch(kind, key, patch, options);
  }

  async apply<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options: ApplyOptions): Promise<T> {
    const finalizersOnly =
      this.isFor(kind) &&
      onlyKeys(obj, new Set(['apiVersion', 'kind', 'metadata'])) &&
      onlyKeys(obj.metadata ?? {}, finalizerApplyKeys);
    if (!this.isWritten(kind) && !finalizersOnly)
      throw this.violation(kind, `apply ${describe(keyOfOrName(obj))}`);
    return this.inner.apply(kind, obj, options);
  }

  async delete<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: DeleteOptions,
  ): Promise<void> {
    this.checkWrite(kind, `delete ${describe(key)}`);
    return this.inner.delete(kind, key, options);
  }

  private isWritten(kind: ResourceKind): boolean {
    return kindId(kind) === this.#writes;
  }

  private isFor(kind: ResourceKind): boolean {
    return kindId(kind) === this.#for;
  }

  private checkWrite(kind: ResourceKind, attempted: string): void {
    if (!this.isWritten(kind)) throw this.violation(kind, attempted);
  }

  private checkStatus(kind: ResourceKind, attempted: string): void {
    if (!this.isWritten(kind) && !this.isFor(kind)) throw this.violation(kind, attempted);
  }

  private violation(kind: ResourceKind, attempted: string): SingleWriterViolationError {
    return new SingleWriterViolationError(this.options.controller, kindId(kind), attempted, this.#writes);
  }
}

function keyOfOrName(obj: KubernetesObject): ObjectKey {
  const name = obj.metadata?.name ?? `${obj.metadata?.generateName ?? ''}*`;
  const namespace = obj.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}

function describe(key: ObjectKey): string {
  return objectKeyString(key);
}

/**
 * Wraps a client so that it writes only `writes` (create, update, patch, apply, delete), and of the `for` kind only
 * its status and finalizers: the single-writer rule, enforced before any request is sent. Reads pass through.
 * A finalizer-only `update` of the `for` kind is recognised by comparing with the cached object (no request).
 */
export function newSingleWriterClient(inner: Client, options: SingleWriterOptions): Client {
  return new SingleWriterClient(inner, options);
}
