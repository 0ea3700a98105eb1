import type { KubernetesObject } from '@kubernetes/client-node';

/** An object appeared in the cache. */
export interface CreateEvent<T extends KubernetesObject = KubernetesObject> {
  readonly object: T;
  /**
   * True when the object came from a (re)list rather than a live watch event: a replay of state, not news. Such
   * events are queued at low priority so that, after a restart, live changes are reconciled first.
   */
  readonly isInInitialList: boolean;
}

/** An object in the cache changed. */
export interface UpdateEvent<T extends KubernetesObject = KubernetesObject> {
  readonly objectOld: T;
  readonly objectNew: T;
  /** True for the informer's periodic resync, where nothing changed (queued at low priority). */
  readonly isResync: boolean;
}

/** An object left the cache, in its last known state. */
export interface DeleteEvent<T extends KubernetesObject = KubernetesObject> {
  readonly object: T;
}

/** An event from outside the API (a timer, a webhook): "look at this object". */
export interface GenericEvent<T extends KubernetesObject = KubernetesObject> {
  readonly object: T;
}
