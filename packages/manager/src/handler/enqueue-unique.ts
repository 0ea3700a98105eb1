import type { Request } from '../reconcile/request.js';
import { requestKey } from '../reconcile/request.js';
import type { RequestQueue } from './event-handler.js';

/** Adds each distinct request once: one event never counts twice in `workqueue_adds_total`. */
export function enqueueUnique(queue: RequestQueue, requests: Iterable<Request>): void {
  const seen = new Set<string>();
  for (const req of requests) {
    const key = requestKey(req);
    if (seen.has(key)) continue;
    seen.add(key);
    queue.add(req);
  }
}
