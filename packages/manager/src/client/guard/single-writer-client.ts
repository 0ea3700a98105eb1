import type { KubernetesObject } from '@kubernetes/client-node';
import { deepEqual } from '../../internal/json/deep-equal.js';
import { keyOf, objectKeyString, type ObjectKey } from '../../kinds/object-key.js';
import { kindId, type ResourceKind } from '../../kinds/resource-kind.js';
import { WriteCheckingClient, type ClientWrite } from './write-checking-client.js';
import type { Client, JsonPatchOperation, Patch } from '../client.js';

/** Who a guarded client writes for. */
export interface SingleWriterOptions {
  /** The controller's name, as errors and logs name it. */
  readonly controller: string;
  /**
   * The one thing this controller writes: `kind` (create, update, patch, apply, delete), or with `status: true`
   * only that kind's status subresource. Undefined: nothing.
   */
  readonly writes: { readonly kind: ResourceKind; readonly status: boolean } | undefined;
  /** The kind it reconciles: it may also add and remove finalizers of that kind, nothing else of it. */
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
    /** What it may write, e.g. `core/v1/ConfigMap`, `cache.spoke.dev/v1alpha1/Memcached status` or `nothing`. */
    readonly allowed: string,
  ) {
    super(
      `controller ${controller} may not ${attempted} of kind ${kind}: it writes only ${allowed} ` +
        `(plus finalizers of the kind it reconciles); let the one controller that writes it do so`,
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

/** Whether a server-side apply body sets nothing but the object's identity and `metadata.finalizers`. */
function isFinalizerOnlyApply(obj: KubernetesObject): boolean {
  return (
    onlyKeys(obj, new Set(['apiVersion', 'kind', 'metadata'])) &&
    onlyKeys(obj.metadata ?? {}, finalizerApplyKeys)
  );
}

class SingleWriterClient extends WriteCheckingClient {
  /** kindId of the written kind, undefined when the controller writes nothing. */
  readonly #writes: string | undefined;
  readonly #writesStatus: boolean;
  readonly #for: string;
  readonly #allowed: string;

  constructor(
    inner: Client,
    private readonly options: SingleWriterOptions,
  ) {
    super(inner);
    this.#writes = options.writes && kindId(options.writes.kind);
    this.#writesStatus = options.writes?.status ?? false;
    this.#for = kindId(options.for);
    this.#allowed = this.#writes ? `${this.#writes}${this.#writesStatus ? ' status' : ''}` : 'nothing';
  }

  protected async admitWrite(write: ClientWrite): Promise<void> {
    const { kind } = write;
    // A status writer writes the status subresource only; a kind's writer everything but its status.
    if (kindId(kind) === this.#writes && write.status === this.#writesStatus) return;
    const target = 'key' in write ? write.key : keyOfOrName(write.object);
    const attempted = `${write.verb}${write.status ? ' status' : ''} ${objectKeyString(target)}`;
    if (kindId(kind) !== this.#for || write.status) throw this.violation(kind, attempted);
    // The reconciled kind's finalizers, nothing else of it.
    switch (write.verb) {
      case 'update': {
        // Allowed only when nothing but finalizers differs from what the cache holds.
        const current = await this.inner.get(kind, keyOf(write.object));
        if (
          !current ||
          !deepEqual(withoutFinalizersAndStatus(current), withoutFinalizersAndStatus(write.object))
        ) {
          throw this.violation(kind, `${attempted} (beyond finalizers)`);
        }
        return;
      }
      case 'patch':
        if (!isFinalizerOnlyPatch(write.patch)) {
          throw this.violation(kind, `${attempted} (beyond finalizers)`);
        }
        return;
      case 'apply':
        if (!isFinalizerOnlyApply(write.object)) throw this.violation(kind, attempted);
        return;
      case 'create':
      case 'delete':
        throw this.violation(kind, attempted);
    }
  }

  private violation(kind: ResourceKind, attempted: string): SingleWriterViolationError {
    return new SingleWriterViolationError(this.options.controller, kindId(kind), attempted, this.#allowed);
  }
}

function keyOfOrName(obj: KubernetesObject): ObjectKey {
  const name = obj.metadata?.name ?? `${obj.metadata?.generateName ?? ''}*`;
  const namespace = obj.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}

/**
 * Wraps a client so that it writes only `writes` (a kind, or a kind's status), and of the `for` kind only its
 * finalizers: the single-writer rule, enforced before any request is sent. Reads pass through.
 * A finalizer-only `update` of the `for` kind is recognised by comparing with the cached object (no request).
 */
export function newSingleWriterClient(inner: Client, options: SingleWriterOptions): Client {
  return new SingleWriterClient(inner, options);
}
