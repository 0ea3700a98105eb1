import type { KubernetesObject } from '@kubernetes/client-node';
import { updatePredicate, type Predicate } from './predicate.js';

/**
 * Passes updates that change `metadata.generation`, i.e. the spec (the API server bumps it on spec changes only, for
 * kinds with a status subresource). Use it on a `for` kind to skip the reconcile that the controller's own status
 * write would trigger. Beware: label and annotation changes do not bump the generation either.
 */
export function generationChanged<T extends KubernetesObject = KubernetesObject>(): Predicate<T> {
  return updatePredicate<T>((o, n) => o.metadata?.generation !== n.metadata?.generation);
}
