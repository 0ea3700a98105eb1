import type { ObjectKey } from '../kinds/object-key.js';

/**
 * What a reconcile is asked to do: bring the object with this name to its desired state.
 *
 * A request is a name, never an event. Reconciliation is level-based, not edge-based: the reconciler reads the
 * current state (from the cache) and acts on it, so it does not matter whether one change or a thousand happened
 * since the last run, or whether some were missed while the process was down. This is what lets the queue collapse
 * many events for one object into one reconcile, and what makes a restart safe.
 */
export interface Request {
  /** Empty or absent for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly name: string;
}

/** A request for the object named by `key`. */
export function requestFor(key: ObjectKey): Request {
  return key.namespace ? { namespace: key.namespace, name: key.name } : { name: key.name };
}

/** The queue key of a request, `namespace/name` (or `name`), so equal requests collapse into one queue entry. */
export function requestKey(req: Request): string {
  return req.namespace ? `${req.namespace}/${req.name}` : req.name;
}
