/** metav1.ConditionStatus. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/**
 * metav1.Condition as it is stored and sent: `lastTransitionTime` is an RFC 3339 string (client-node's
 * `V1Condition` types it as a Date, but objects from the API hold the string).
 */
export interface Condition {
  /** CamelCase, e.g. `Available`, `Progressing`, `Degraded`. */
  type: string;
  status: ConditionStatus;
  /** CamelCase machine-readable cause, e.g. `MinimumReplicasUnavailable`. */
  reason: string;
  message: string;
  /** When `status` last changed; a change of reason or message alone does not move it. */
  lastTransitionTime: string;
  /** The `metadata.generation` the condition was computed from. */
  observedGeneration?: number;
}

/** A condition to set: `lastTransitionTime` defaults to now when the status changes. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'> & {
  lastTransitionTime?: string | Date;
  observedGeneration?: number;
};

/** metav1.Time has second precision and serializes as `2006-01-02T15:04:05Z`. */
export function formatTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Sets `cond` in `conditions` (in place), as apimachinery's `meta.SetStatusCondition`: adds it if its type is
 * absent; otherwise updates status, reason, message and observedGeneration, moving `lastTransitionTime` only when
 * the status changes. `observedGeneration`, when given, overrides `cond.observedGeneration`. Returns true if
 * anything changed, i.e. whether the status needs writing.
 */
export function setStatusCondition(
  conditions: Condition[],
  cond: ConditionInput,
  observedGeneration?: number,
  now: Date = new Date(),
): boolean {
  const generation = observedGeneration ?? cond.observedGeneration;
  const transition =
    cond.lastTransitionTime === undefined
      ? formatTime(now)
      : typeof cond.lastTransitionTime === 'string'
        ? cond.lastTransitionTime
        : formatTime(cond.lastTransitionTime);
  const existing = conditions.find((c) => c.type === cond.type);
  if (!existing) {
    const added: Condition = {
      type: cond.type,
      status: cond.status,
      reason: cond.reason,
      message: cond.message,
      lastTransitionTime: transition,
    };
    if (generation !== undefined) added.observedGeneration = generation;
    conditions.push(added);
    return true;
  }
  let changed = false;
  if (existing.status !== cond.status) {
    existing.status = cond.status;
    existing.lastTransitionTime = transition;
    changed = true;
  }
  if (existing.reason !== cond.reason) {
    existing.reason = cond.reason;
    changed = true;
  }
  if (existing.message !== cond.message) {
    existing.message = cond.message;
    changed = true;
  }
  if (generation !== undefined && existing.observedGeneration !== generation) {
    existing.observedGeneration = generation;
    changed = true;
  }
  return changed;
}

/** The condition of `type`, if present. */
export function findStatusCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Removes the condition of `type` in place; returns true if there was one. */
export function removeStatusCondition(conditions: Condition[], type: string): boolean {
  const index = conditions.findIndex((c) => c.type === type);
  if (index < 0) return false;
  conditions.splice(index, 1);
  return true;
}

/** True when the condition of `type` is present with status `True`. */
export function isStatusConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findStatusCondition(conditions, type)?.status === 'True';
}

/** True when the condition of `type` is present with status `False`. */
export function isStatusConditionFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findStatusCondition(conditions, type)?.status === 'False';
}
