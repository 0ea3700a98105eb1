import type { KubernetesObject } from '@kubernetes/client-node';
import { updatePredicate, type Predicate } from './predicate.js';

/** Passes updates whose `resourceVersion` changed: drops periodic resyncs, which replay an unchanged object. */
export function resourceVersionChanged<T extends KubernetesObject = KubernetesObject>(): Predicate<T> {
  return updatePredicate<T>((o, n) => o.metadata?.resourceVersion !== n.metadata?.resourceVersion);
}
