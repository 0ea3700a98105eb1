import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf, objectKeyString } from '../../kinds/object-key.js';
import type { ResourceKind } from '../../kinds/resource-kind.js';

/**
 * Runs `mutate` on `obj` and returns `obj` from before, for the caller to diff against: `unchanged` if given (an
 * object `mutate` cannot reach, equal to `obj`), a copy otherwise; `copy: false` when the caller needs no `before`.
 * Refuses a mutation that changes the object's key: the key is how the object was found, and where it will be
 * written.
 */
export async function mutateChecked<T extends KubernetesObject>(
  kind: ResourceKind<T>,
  obj: T,
  mutate: (obj: T) => void | Promise<void>,
  before: { readonly unchanged?: T; readonly copy?: boolean } = {},
): Promise<T | undefined> {
  const was = objectKeyString(keyOf(obj));
  const copy = before.unchanged ?? (before.copy === false ? undefined : structuredClone(obj));
  await mutate(obj);
  const now = objectKeyString(keyOf(obj));
  if (was !== now) {
    throw new Error(
      `${kind.apiVersion} ${kind.kind} ${was}: the mutate function changed the object's key to ${now}`,
    );
  }
  return copy;
}
