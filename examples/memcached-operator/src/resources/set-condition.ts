import type { Condition } from '../api/v1alpha1/index.js';

/** A condition to set: `lastTransitionTime` is decided by {@link setCondition}. */
export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/**
 * Returns `conditions` with `update` set, as apimachinery's SetStatusCondition: `lastTransitionTime` moves to `now`
 * only when the status changes, so that re-computing an unchanged status gives an equal object (and no write).
 */
export function setCondition(
  conditions: readonly Condition[],
  update: ConditionUpdate,
  now: string,
): Condition[] {
  const existing = conditions.find((c) => c.type === update.type);
  const lastTransitionTime =
    existing && existing.status === update.status ? existing.lastTransitionTime : now;
  const next: Condition = { ...update, lastTransitionTime };
  return existing ? conditions.map((c) => (c.type === update.type ? next : c)) : [...conditions, next];
}
