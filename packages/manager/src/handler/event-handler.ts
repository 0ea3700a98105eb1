import type { KubernetesObject } from '@kubernetes/client-node';
import type { Request } from '../reconcile/request.js';
import type { CreateEvent, DeleteEvent, GenericEvent, UpdateEvent } from './event.js';

/**
 * Where a handler puts requests. The controller binds it to its workqueue with the event's priority (low for
 * initial-list and resync events), so handlers need not care about priorities.
 */
export interface RequestQueue {
  add(req: Request): void;
  addAfter(req: Request, delayMs: number): void;
}

/**
 * Turns an event for one object into requests, for that object or for others (its owner, objects mapped from it),
 * as controller-runtime's `handler.EventHandler`. Handlers run synchronously in the informer's event order and must
 * only compute keys: no I/O, no waiting. Many events for one request collapse in the queue into one reconcile.
 */
export interface EventHandler<T extends KubernetesObject = KubernetesObject> {
  create(event: CreateEvent<T>, queue: RequestQueue): void;
  update(event: UpdateEvent<T>, queue: RequestQueue): void;
  delete(event: DeleteEvent<T>, queue: RequestQueue): void;
  generic(event: GenericEvent<T>, queue: RequestQueue): void;
}
