import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';
import { keyOf, objectKeyString } from './object-key.js';
import { groupOf, type ResourceKind } from './resource-kind.js';

/** The object's controller owner reference (the one with `controller: true`), as metav1's `GetControllerOf`. */
export function controllerOf(obj: KubernetesObject): V1OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** Whether `owner` is the controller of `obj`, by uid, as metav1's `IsControlledBy`. */
export function isControlledBy(obj: KubernetesObject, owner: KubernetesObject): boolean {
  const uid = owner.metadata?.uid;
  return uid !== undefined && controllerOf(obj)?.uid === uid;
}

/**
 * Whether two owner references name the same object: group, kind and name, not version, since an owner reference
 * written before an API upgrade names the same owner with another version.
 */
export function sameOwner(a: V1OwnerReference, b: V1OwnerReference): boolean {
  return groupOf(a.apiVersion) === groupOf(b.apiVersion) && a.kind === b.kind && a.name === b.name;
}

/**
 * The owner reference that makes `owner` the controller of another object, as metav1's `NewControllerRef`:
 * `controller: true`, and `blockOwnerDeletion: true` so a foreground delete of the owner waits for it. Throws when
 * `owner` was not read from the API (it has no uid).
 */
export function newControllerRef(owner: KubernetesObject, ownerKind: ResourceKind): V1OwnerReference {
  const key = keyOf(owner);
  const uid = owner.metadata?.uid;
  if (!uid) {
    throw new Error(
      `${ownerKind.kind} ${objectKeyString(key)} has no uid: read it from the API before making it an owner`,
    );
  }
  return {
    apiVersion: ownerKind.apiVersion,
    kind: ownerKind.kind,
    name: key.name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
