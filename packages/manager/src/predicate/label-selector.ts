import type { KubernetesObject, V1LabelSelector } from '@kubernetes/client-node';
import { labelSelectorFromV1 } from '../labels/label-selector.js';
import { newPredicateFuncs, type Predicate } from './predicate.js';

/**
 * Passes events for objects whose labels match `selector`. Filtering here still caches every object; to keep
 * non-matching objects out of memory as well, narrow the informer with `options.labelSelector` instead.
 */
export function labelSelector<T extends KubernetesObject = KubernetesObject>(
  selector: V1LabelSelector,
): Predicate<T> {
  const parsed = labelSelectorFromV1(selector);
  return newPredicateFuncs<T>((obj) => parsed.matches(obj.metadata?.labels));
}
