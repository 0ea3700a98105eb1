import type { KubernetesObject } from '@kubernetes/client-node';
import { deepEqual } from '../internal/json/deep-equal.js';
import { keyOf } from '../kinds/object-key.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import type { Client } from './client.js';
import { mutateChecked } from '../internal/object/mutate-checked.js';
import { replaceContents } from '../internal/object/replace-contents.js';
import type { MutateFunc, OperationResult } from './operation-result.js';

/**
 * Makes the object exist in the state `mutate` gives it, as controller-runtime's `CreateOrUpdate`. Reads the
 * object by `obj`'s key (from the cache, by default); if absent, mutates `obj` and creates it; if present, copies
 * it into `obj`, mutates, and sends an update only when the mutation changed something. Afterwards `obj` holds what
 * the server returned (or the unchanged current object). An update is optimistic-concurrency: a stale cache
 * yields a 409 Conflict to retry, never a lost write.
 */
export async function createOrUpdate<T extends KubernetesObject>(
  client: Client,
  kind: ResourceKind<T>,
  obj: T,
  mutate: MutateFunc<T>,
): Promise<OperationResult> {
  const key = keyOf(obj);
  const existing = await client.get(kind, key);
  if (!existing) {
    await mutateChecked(kind, obj, mutate);
    replaceContents(obj, await client.create(kind, obj));
    return 'created';
  }
  replaceContents(obj, existing);
  const before = await mutateChecked(kind, obj, mutate);
  if (deepEqual(before, obj)) return 'unchanged';
  replaceContents(obj, await client.update(kind, obj));
  return 'updated';
}
