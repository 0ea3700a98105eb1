import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf } from '../kinds/object-key.js';
import { requestFor } from '../reconcile/request.js';
import type { EventHandler } from './event-handler.js';

/**
 * Requests a reconcile of the object the event is about: the handler of a controller's `for` kind. An update
 * requests the new object (an object's name never changes, so old and new are the same request).
 */
export function enqueueRequestForObject<T extends KubernetesObject = KubernetesObject>(): EventHandler<T> {
  return {
    create: (e, q) => {
      q.add(requestFor(keyOf(e.object)));
    },
    update: (e, q) => {
      q.add(requestFor(keyOf(e.objectNew)));
    },
    delete: (e, q) => {
      q.add(requestFor(keyOf(e.object)));
    },
    generic: (e, q) => {
      q.add(requestFor(keyOf(e.object)));
    },
  };
}
