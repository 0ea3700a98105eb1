import type { V1OwnerReference } from '@kubernetes/client-node';
import type { Memcached } from '../api/v1alpha1/memcached.js';
import { memcachedCustomResource as cr } from '../api/v1alpha1/memcached-custom-resource.js';

/**
 * The owner reference that makes `memcached` the controller of an object: the garbage collector deletes the object
 * with its Memcached, and `blockOwnerDeletion` keeps a foreground delete waiting for it.
 */
export function controllerReference(memcached: Memcached): V1OwnerReference {
  const { name, uid } = memcached.metadata ?? {};
  if (!name || !uid)
    throw new Error('a controller reference needs an owner read from the API (name and uid)');
  return {
    apiVersion: `${cr.group}/${cr.version}`,
    kind: cr.kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `memcached` is the controller of an object with these owner references. */
export function isControlledBy(
  ownerReferences: readonly V1OwnerReference[] | undefined,
  memcached: Memcached,
): boolean {
  const uid = memcached.metadata?.uid;
  return (ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === uid);
}
