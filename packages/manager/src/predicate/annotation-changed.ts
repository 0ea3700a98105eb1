import type { KubernetesObject } from '@kubernetes/client-node';
import { updatePredicate, type Predicate } from './predicate.js';
import { stringMapsEqual } from './string-maps-equal.js';

/** Passes updates that change `metadata.annotations`. */
export function annotationChanged<T extends KubernetesObject = KubernetesObject>(): Predicate<T> {
  return updatePredicate<T>((o, n) => !stringMapsEqual(o.metadata?.annotations, n.metadata?.annotations));
}
