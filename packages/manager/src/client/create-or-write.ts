import type { KubernetesObject } from '@kubernetes/client-node';
import type { Client, RequestOptions } from './client.js';
import type { MutateFunc, OperationResult } from './operation-result.js';
import { keyOf, type ObjectKey } from '../kinds/object-key.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import { mutateChecked } from '../internal/object/mutate-checked.js';
import { replaceContents } from '../internal/object/replace-contents.js';
import { mutableCopy } from '../internal/object/deep-freeze.js';

/** The two requests that differ between `createOrUpdate` and `createOrPatch`. */
export interface CreateOrWriteRequests<T extends KubernetesObject> {
  /** Creates the mutated object; resolves to what the server holds afterwards. */
  create(desired: T, key: ObjectKey): Promise<T>;
  /**
   * Sends what the mutation changed from `before` to `after`; resolves to what the server holds afterwards, or to
   * undefined, sending nothing, when nothing changed.
   */
  change(before: T, after: T, key: ObjectKey): Promise<T | undefined>;
}

/**
 * What `createOrUpdate` and `createOrPatch` share: read the object by `obj`'s key; if absent, mutate `obj` and
 * create it; if present, copy it into `obj`, mutate, and write the change, if any. Afterwards `obj` holds what the
 * server returned (or, unchanged, the current object). `options` go with the read (which the cache may answer) and
 * are for `requests` to pass on.
 */
export async function createOrWrite<T extends KubernetesObject>(
  client: Client,
  kind: ResourceKind<T>,
  obj: T,
  mutate: MutateFunc<T>,
  requests: CreateOrWriteRequests<T>,
  options: RequestOptions = {},
): Promise<OperationResult> {
  const key = keyOf(obj);
  const existing = await client.get(kind, key, options);
  if (!existing) {
    await mutateChecked(kind, obj, mutate, { copy: false });
    replaceContents(obj, await requests.create(obj, key));
    return 'created';
  }
  // A cached read is shared and frozen: the mutation works on a copy, and the frozen original is `before` (no second
  // copy). An uncached read is moved into `obj` itself, so `before` must be a copy.
  const frozen = Object.isFrozen(existing);
  replaceContents(obj, mutableCopy(existing));
  const before = await mutateChecked(kind, obj, mutate, frozen ? { unchanged: existing } : {});
  if (!before) throw new Error('unreachable: mutateChecked returns before unless copy is false');
  const changed = await requests.change(before, obj, key);
  if (!changed) return 'unchanged';
  replaceContents(obj, changed);
  return 'updated';
}
