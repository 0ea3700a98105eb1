import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf, objectKeyString } from '../../kinds/object-key.js';
import type { ResourceKind } from '../../kinds/resource-kind.js';

/** Mutate functions must not move the object: its key is how it was found. */
export function assertSameKey(kind: ResourceKind, before: KubernetesObject, after: KubernetesObject): void {
  const a = objectKeyString(keyOf(before));
  const b = objectKeyString(keyOf(after));
  if (a !== b)
    throw new Error(
      `${kind.apiVersion} ${kind.kind} ${a}: the mutate function changed the object's key to ${b}`,
    );
}
