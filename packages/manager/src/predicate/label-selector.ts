import type { KubernetesObject, V1LabelSelector } from '@kubernetes/client-node';
import { newPredicateFuncs, type Predicate } from './predicate.js';

/** Whether `labels` match `selector`, with metav1.LabelSelector semantics (an empty selector matches everything). */
export function matchesLabelSelector(
  selector: V1LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const l = labels ?? {};
  const has = (k: string) => Object.hasOwn(l, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(k) || l[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has(req.key) || !values.includes(l[req.key] ?? '')) return false;
        break;
      case 'NotIn':
        if (has(req.key) && values.includes(l[req.key] ?? '')) return false;
        break;
      case 'Exists':
        if (!has(req.key)) return false;
        break;
      case 'DoesNotExist':
        if (has(req.key)) return false;
        break;
      default:
        // An unknown operator matches nothing, as the API server would reject such a selector.
        return false;
    }
  }
  return true;
}

/**
 * Passes events for objects whose labels match `selector`. Filtering here still caches every object; to keep
 * non-matching objects out of memory as well, narrow the informer with `options.labelSelector` instead.
 */
export function labelSelector<T extends KubernetesObject = KubernetesObject>(
  selector: V1LabelSelector,
): Predicate<T> {
  return newPredicateFuncs<T>((obj) => matchesLabelSelector(selector, obj.metadata?.labels));
}
