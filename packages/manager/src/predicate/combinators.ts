import type { KubernetesObject } from '@kubernetes/client-node';
import type { Predicate } from './predicate.js';

/** Passes an event only if every predicate does (no predicates: passes everything). */
export function and<T extends KubernetesObject = KubernetesObject>(
  ...predicates: Predicate<T>[]
): Predicate<T> {
  return {
    create: (e) => predicates.every((p) => p.create(e)),
    update: (e) => predicates.every((p) => p.update(e)),
    delete: (e) => predicates.every((p) => p.delete(e)),
    generic: (e) => predicates.every((p) => p.generic(e)),
  };
}

/** Passes an event if any predicate does (no predicates: passes nothing). */
export function or<T extends KubernetesObject = KubernetesObject>(
  ...predicates: Predicate<T>[]
): Predicate<T> {
  return {
    create: (e) => predicates.some((p) => p.create(e)),
    update: (e) => predicates.some((p) => p.update(e)),
    delete: (e) => predicates.some((p) => p.delete(e)),
    generic: (e) => predicates.some((p) => p.generic(e)),
  };
}

/** Passes an event if `predicate` does not. */
export function not<T extends KubernetesObject = KubernetesObject>(predicate: Predicate<T>): Predicate<T> {
  return {
    create: (e) => !predicate.create(e),
    update: (e) => !predicate.update(e),
    delete: (e) => !predicate.delete(e),
    generic: (e) => !predicate.generic(e),
  };
}
