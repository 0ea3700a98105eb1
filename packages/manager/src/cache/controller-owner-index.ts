import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectKey } from '../kinds/object-key.js';
import { controllerOf } from '../kinds/owner-references.js';
import { groupOf, type ResourceKind } from '../kinds/resource-kind.js';

/** The index's name for a group: `core` for the core group, whose name is empty. */
function indexGroup(group: string): string {
  return group === '' ? 'core' : group;
}

/**
 * The {@link ControllerOwnerIndex} value naming an owner: `<group>/<Kind>/<namespace>/<name>`, group `core` for
 * the core group and an empty namespace for a cluster-scoped owner, e.g. `cache.spoke.dev/Memcached/default/web`.
 * Look up what an owner controls with `store.byIndex(ControllerOwnerIndex, controllerOwnerIndexValue(kind, key))`.
 */
export function controllerOwnerIndexValue(ownerKind: ResourceKind, owner: ObjectKey): string {
  const namespace = ownerKind.namespaced ? (owner.namespace ?? '') : '';
  return `${indexGroup(ownerKind.group)}/${ownerKind.kind}/${namespace}/${owner.name}`;
}

/**
 * The index function behind {@link ControllerOwnerIndex}. An owner reference does not say whether the owner is
 * namespaced, so a namespaced object is filed under both readings: its own namespace (a namespaced owner must share
 * it) and the empty namespace (a cluster-scoped owner); {@link controllerOwnerIndexValue} picks the right one.
 */
export function indexByControllerOwner(obj: KubernetesObject): string[] {
  const ref = controllerOf(obj);
  if (!ref) return [];
  const prefix = `${indexGroup(groupOf(ref.apiVersion))}/${ref.kind}`;
  const namespace = obj.metadata?.namespace;
  return namespace
    ? [`${prefix}/${namespace}/${ref.name}`, `${prefix}//${ref.name}`]
    : [`${prefix}//${ref.name}`];
}
