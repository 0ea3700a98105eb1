import type { KubernetesObject } from '@kubernetes/client-node';

/** True when `obj` carries `finalizer`. */
export function hasFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** Adds `finalizer` to `obj` in place; returns true if it was not there (so the object needs writing). */
export function addFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  if (hasFinalizer(obj, finalizer)) return false;
  const metadata = (obj.metadata ??= {});
  metadata.finalizers = [...(metadata.finalizers ?? []), finalizer];
  return true;
}

/** Removes every occurrence of `finalizer` from `obj` in place; returns true if there was one. */
export function removeFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  if (!hasFinalizer(obj, finalizer)) return false;
  if (obj.metadata) obj.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return true;
}
