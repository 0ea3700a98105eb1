import type { KubernetesObject, V1OwnerReference } from '@kubernetes/client-node';
import { groupOf, type ResourceKind } from '../kinds/resource-kind.js';
import type { Request } from '../reconcile/request.js';
import type { EventHandler } from './event-handler.js';
import { enqueueRequestsFromMapFunc } from './enqueue-requests-from-map-func.js';

/** Options of {@link enqueueRequestForOwner}. */
export interface EnqueueRequestForOwnerOptions {
  /**
   * Only the owner reference with `controller: true` (the one object that manages this one). Default false: every
   * owner of `ownerKind`, as controller-runtime. A controller's `owns` uses true.
   */
  readonly onlyController?: boolean;
}

/** The requests for the owners of `obj` that are of `ownerKind`. */
export function ownerRequests(
  obj: KubernetesObject,
  ownerKind: ResourceKind,
  options: EnqueueRequestForOwnerOptions = {},
): Request[] {
  const refs: readonly V1OwnerReference[] = obj.metadata?.ownerReferences ?? [];
  const namespace = ownerKind.namespaced ? obj.metadata?.namespace : undefined;
  return refs
    .filter(
      // Group and kind, not version: an owner reference written with another version names the same object.
      (ref) =>
        ref.kind === ownerKind.kind &&
        groupOf(ref.apiVersion) === ownerKind.group &&
        (!options.onlyController || ref.controller === true),
    )
    .map((ref) => (namespace ? { namespace, name: ref.name } : { name: ref.name }));
}

/**
 * Requests a reconcile of the owners (of `ownerKind`) of the object the event is about: how a change to a
 * ConfigMap a Memcached owns reaches the Memcached's controller. Owner references carry no namespace: a namespaced
 * owner is in its dependent's namespace. On update, the owners of both the old and new object are requested, so
 * that an owner that was just removed also learns of it.
 */
export function enqueueRequestForOwner<T extends KubernetesObject = KubernetesObject>(
  ownerKind: ResourceKind,
  options: EnqueueRequestForOwnerOptions = {},
): EventHandler<T> {
  return enqueueRequestsFromMapFunc<T>((obj) => ownerRequests(obj, ownerKind, options));
}
