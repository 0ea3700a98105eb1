import type { KubernetesObject } from '@kubernetes/client-node';
import type { Request } from '../reconcile/request.js';
import type { EventHandler, RequestQueue } from './event-handler.js';
import { enqueueUnique } from './enqueue-unique.js';

/**
 * Maps an object to the requests it should trigger. Runs on the informer's event path: compute from the object
 * (labels, owner references, fields) or from the cache, never from the API server.
 */
export type MapFunc<T extends KubernetesObject = KubernetesObject> = (obj: T) => readonly Request[];

/**
 * Requests reconciles of the objects `map` names for the object the event is about: for kinds a controller watches
 * but does not own, e.g. EndpointSlices mapped to the Memcached whose Service they belong to. On update both the old
 * and the new object are mapped, so that an object that stops matching also triggers its former target.
 */
export function enqueueRequestsFromMapFunc<T extends KubernetesObject = KubernetesObject>(
  map: MapFunc<T>,
): EventHandler<T> {
  const enqueue = (q: RequestQueue, ...objs: T[]) => {
    enqueueUnique(
      q,
      objs.flatMap((obj) => map(obj)),
    );
  };
  return {
    create: (e, q) => {
      enqueue(q, e.object);
    },
    update: (e, q) => {
      enqueue(q, e.objectOld, e.objectNew);
    },
    delete: (e, q) => {
      enqueue(q, e.object);
    },
    generic: (e, q) => {
      enqueue(q, e.object);
    },
  };
}
