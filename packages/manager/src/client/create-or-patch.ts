import type { KubernetesObject } from '@kubernetes/client-node';
import { createMergePatch } from '../internal/json/merge-patch.js';
import { keyOf } from '../kinds/object-key.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import type { Client } from './client.js';
import { mutateChecked } from '../internal/object/mutate-checked.js';
import { replaceContents } from '../internal/object/replace-contents.js';
import type { MutateFunc, OperationResult } from './operation-result.js';

type WithStatus = KubernetesObject & { status?: unknown };

function splitStatus(obj: KubernetesObject): { main: Record<string, unknown>; status: unknown } {
  const { status, ...main } = obj as WithStatus;
  return { main, status };
}

/**
 * As {@link createOrUpdate}, but an existing object is changed by a JSON merge patch of exactly what `mutate`
 * changed (then a second patch on the status subresource, if the status changed), as controller-runtime's
 * `CreateOrPatch`. A patch carries no resourceVersion, so it does not fail on a stale cache; but lists are replaced
 * whole, so prefer {@link createOrUpdate} when another writer may change the same list.
 */
export async function createOrPatch<T extends KubernetesObject>(
  client: Client,
  kind: ResourceKind<T>,
  obj: T,
  mutate: MutateFunc<T>,
): Promise<OperationResult> {
  const key = keyOf(obj);
  const existing = await client.get(kind, key);
  if (!existing) {
    await mutateChecked(kind, obj, mutate);
    const { status } = splitStatus(obj);
    let created = await client.create(kind, obj);
    // Create ignores the status of kinds with a status subresource: send it where it is accepted.
    if (status !== undefined) {
      const patch = createMergePatch({ status: splitStatus(created).status }, { status });
      if (patch) created = await client.status.patch(kind, key, { type: 'merge', body: patch });
    }
    replaceContents(obj, created);
    return 'created';
  }
  replaceContents(obj, existing);
  const before = await mutateChecked(kind, obj, mutate);
  const was = splitStatus(before);
  const now = splitStatus(obj);
  const mainPatch = createMergePatch(was.main, now.main);
  const statusPatch = createMergePatch({ status: was.status }, { status: now.status });
  if (!mainPatch && !statusPatch) return 'unchanged';
  let result = existing;
  if (mainPatch) result = await client.patch(kind, key, { type: 'merge', body: mainPatch });
  if (statusPatch) result = await client.status.patch(kind, key, { type: 'merge', body: statusPatch });
  replaceContents(obj, result);
  return 'updated';
}
