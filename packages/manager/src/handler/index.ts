export type { CreateEvent, UpdateEvent, DeleteEvent, GenericEvent } from './event.js';
export type { EventHandler, RequestQueue } from './event-handler.js';
export { enqueueRequestForObject } from './enqueue-request-for-object.js';
export {
  enqueueRequestForOwner,
  ownerRequests,
  type EnqueueRequestForOwnerOptions,
} from './enqueue-request-for-owner.js';
export { enqueueRequestsFromMapFunc, type MapFunc } from './enqueue-requests-from-map-func.js';
