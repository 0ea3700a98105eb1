import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';
import type { ObjectKey } from '../kinds/object-key.js';
import type { ResourceKind } from '../kinds/resource-kind.js';

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? 'core' : apiVersion.slice(0, slash);
}

/** The object's controller owner reference (the one with `controller: true`), if any. */
export function controllerOwnerOf(obj: KubernetesObject): V1OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/**
 * The {@link ControllerOwnerIndex} value naming an owner: `<group>/<Kind>/<namespace>/<name>`, group `core` for
 * the core group and an empty namespace for a cluster-scoped owner, e.g. `cache.spoke.dev/Memcached/default/web`.
 * Look up what an owner controls with `store.byIndex(ControllerOwnerIndex, controllerOwnerIndexValue(kind, key))`.
 */
export function controllerOwnerIndexValue(ownerKind: ResourceKind, owner: ObjectKey): string {
  const namespace = ownerKind.namespaced ? (owner.namespace ?? '') : '';
  return `${ownerKind.group === '' ? 'core' : ownerKind.group}/${ownerKind.kind}/${namespace}/${owner.name}`;
}

/**
 * The index function behind {@link ControllerOwnerIndex}. An owner reference does not say whether the owner is
 * namespaced, so a namespaced object is filed under both readings: its own namespace (a namespaced owner must share
 * it) and the empty namespace (a cluster-scoped owner); {@link controllerOwnerIndexValue} picks the right one.
 */
export function indexByControllerOwner(obj: KubernetesObject): string[] {
  const ref = controllerOwnerOf(obj);
  if (!ref) return [];
  const prefix = `${groupOf(ref.apiVersion)}/${ref.kind}`;
  const namespace = obj.metadata?.namespace;
  return namespace
    ? [`${prefix}/${namespace}/${ref.name}`, `${prefix}//${ref.name}`]
    : [`${prefix}//${ref.name}`];
}
