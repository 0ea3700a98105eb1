export {
  type Predicate,
  type PredicateFuncs,
  predicateFuncs,
  newPredicateFuncs,
  updatePredicate,
} from './predicate.js';
export { generationChanged } from './generation-changed.js';
export { resourceVersionChanged } from './resource-version-changed.js';
export { labelChanged } from './label-changed.js';
export { annotationChanged } from './annotation-changed.js';
export { labelSelector } from './label-selector.js';
export { and, or, not } from './combinators.js';
