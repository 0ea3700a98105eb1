import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * What a {@link Watcher} reports, as kube-rs's `watcher::Event`. A (re)list is bracketed: `Init`, one `InitApply`
 * per listed object, then `InitDone`; the objects in between are the complete state, so a consumer that swaps its
 * store at `InitDone` learns which objects vanished while it was not watching.
 */
export type WatcherEvent<T extends KubernetesObject> =
  /** A list begins; a list left unfinished (an error mid-way) is superseded by the next `Init`. */
  | { readonly type: 'Init' }
  | { readonly type: 'InitApply'; readonly object: T }
  /** The list is complete at `resourceVersion`; the watch continues from there. */
  | { readonly type: 'InitDone'; readonly resourceVersion: string }
  /** An object was added or changed while watching. */
  | { readonly type: 'Apply'; readonly object: T }
  /** An object was deleted while watching; `object` is its final state. */
  | { readonly type: 'Delete'; readonly object: T }
  /** The server confirmed progress to `resourceVersion` without a change to report. */
  | { readonly type: 'Bookmark'; readonly resourceVersion: string };
