import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';
import { keyOf, objectKeyString } from '../kinds/object-key.js';
import { newControllerRef, sameOwner } from '../kinds/owner-references.js';
import type { ResourceKind } from '../kinds/resource-kind.js';

/** The object already has a controller other than the one being set (controller-runtime's `AlreadyOwnedError`). */
export class AlreadyOwnedError extends Error {
  override readonly name = 'AlreadyOwnedError';
  constructor(
    message: string,
    /** The controller reference found on the object. */
    readonly existing: V1OwnerReference,
  ) {
    super(message);
  }
}

/**
 * Makes `owner` the controller of `obj` (an owner reference with `controller: true` and `blockOwnerDeletion: true`),
 * so the garbage collector deletes `obj` with its owner and owner-based watches map `obj`'s events to the owner.
 * Idempotent. Throws {@link AlreadyOwnedError} when another object controls `obj`, and an error when the
 * ownership cannot be valid: a namespaced owner in another namespace, or a namespaced owner of a cluster-scoped object.
 */
export function setControllerReference(
  owner: KubernetesObject,
  ownerKind: ResourceKind,
  obj: KubernetesObject,
): void {
  const ownerKey = keyOf(owner);
  const objKey = keyOf(obj);
  const uid = owner.metadata?.uid;
  const describeOwner = `${ownerKind.kind} ${objectKeyString(ownerKey)}`;
  if (!uid)
    throw new Error(
      `cannot set ${describeOwner} as controller of ${objectKeyString(objKey)}: the owner has no uid (read it from the API first)`,
    );
  if (ownerKind.namespaced) {
    if (!objKey.namespace) {
      throw new Error(
        `cluster-scoped ${obj.kind ?? 'object'} ${objKey.name} cannot be owned by namespaced ${describeOwner}`,
      );
    }
    if (objKey.namespace !== ownerKey.namespace) {
      throw new Error(
        `${obj.kind ?? 'object'} ${objectKeyString(objKey)} cannot be owned by ${describeOwner}: owners must share the namespace`,
      );
    }
  }
  const ref = newControllerRef(owner, ownerKind);
  const metadata = (obj.metadata ??= {});
  const refs = (metadata.ownerReferences ??= []);
  const existing = refs.find((r) => r.controller === true);
  if (existing && !sameOwner(existing, ref)) {
    throw new AlreadyOwnedError(
      `${obj.kind ?? 'object'} ${objectKeyString(objKey)} is already controlled by ${existing.kind} ${existing.name}; ` +
        `cannot make ${describeOwner} its controller`,
      existing,
    );
  }
  const index = refs.findIndex((r) => sameOwner(r, ref));
  if (index >= 0) refs[index] = ref;
  else refs.push(ref);
}
