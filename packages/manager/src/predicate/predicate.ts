import type { KubernetesObject } from '@kubernetes/client-node';
import type { CreateEvent, DeleteEvent, GenericEvent, UpdateEvent } from '../handler/event.js';

/**
 * Filters events before they reach a handler, as controller-runtime's `predicate.Predicate`: an event is handled
 * only if the predicate returns true. Predicates cut reconciles that cannot change anything (a status-only update
 * seen by the controller that wrote it), never correctness: the reconcile must still be level-based.
 */
export interface Predicate<T extends KubernetesObject = KubernetesObject> {
  create(event: CreateEvent<T>): boolean;
  update(event: UpdateEvent<T>): boolean;
  delete(event: DeleteEvent<T>): boolean;
  generic(event: GenericEvent<T>): boolean;
}

/** Some of a predicate's functions; a missing one lets its events through (controller-runtime's `predicate.Funcs`). */
export type PredicateFuncs<T extends KubernetesObject = KubernetesObject> = Partial<Predicate<T>>;

/** A predicate from custom functions; events without a function pass. */
export function predicateFuncs<T extends KubernetesObject = KubernetesObject>(
  funcs: PredicateFuncs<T>,
): Predicate<T> {
  return {
    create: (e) => funcs.create?.(e) ?? true,
    update: (e) => funcs.update?.(e) ?? true,
    delete: (e) => funcs.delete?.(e) ?? true,
    generic: (e) => funcs.generic?.(e) ?? true,
  };
}

/** A predicate applying one test to the object of every event (the new object of an update). */
export function newPredicateFuncs<T extends KubernetesObject = KubernetesObject>(
  filter: (obj: T) => boolean,
): Predicate<T> {
  return {
    create: (e) => filter(e.object),
    update: (e) => filter(e.objectNew),
    delete: (e) => filter(e.object),
    generic: (e) => filter(e.object),
  };
}

/** A predicate that only filters updates, by comparing old and new; other events pass. */
export function updatePredicate<T extends KubernetesObject = KubernetesObject>(
  changed: (oldObj: T, newObj: T) => boolean,
): Predicate<T> {
  return predicateFuncs<T>({ update: (e) => changed(e.objectOld, e.objectNew) });
}
