import type { KubernetesObject } from '@kubernetes/client-node';

/** Transforms each object before an informer stores it; must return an object with the same key. */
export type TransformFunc = (obj: KubernetesObject) => KubernetesObject;

/**
 * The default informer transform: drops `metadata.managedFields`, which controllers never read and which is often
 * the largest part of a small object (controller-runtime's `TransformStripManagedFields`).
 */
export function stripManagedFields<T extends KubernetesObject>(obj: T): T {
  if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
  return obj;
}
