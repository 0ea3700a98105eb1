import type { KubernetesObject } from '@kubernetes/client-node';

/** Transforms each object before an informer stores it; must return an object with the same key. */
export type TransformFunc = (obj: KubernetesObject) => KubernetesObject;

/**
 * The default informer transform: drops `metadata.managedFields`, which controllers never read and which is often
 * the largest part of a small object (controller-runtime's `TransformStripManagedFields`; everything else is kept).
 * The metadata is rebuilt without the key rather than `delete`d from: `delete` turns V8 objects into slow
 * dictionary-mode objects, larger and slower to read, and every cached object would pay for it.
 */
export function stripManagedFields<T extends KubernetesObject>(obj: T): T {
  const metadata = obj.metadata;
  if (metadata?.managedFields === undefined) return obj;
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) if (key !== 'managedFields') rest[key] = value;
  obj.metadata = rest;
  return obj;
}
