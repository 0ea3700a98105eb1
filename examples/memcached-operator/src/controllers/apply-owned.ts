import type { KubernetesObject } from '@kubernetes/client-node';
import { isControlledBy, keyOf, type Client, type EventRecorder, type ResourceKind } from '@spoke/manager';
import type { Memcached } from '../api/v1beta1/memcached.js';
import { OperatorName } from '../contract/labels.js';
import { matchesDesired } from './matches-desired.js';

/** What {@link applyOwned} did. */
export type ApplyResult = 'created' | 'updated' | 'unchanged' | 'not-owned';

/** What {@link applyOwned} did, and the object as the cache held it before (undefined when there was none). */
export interface ApplyOutcome<T> {
  readonly result: ApplyResult;
  readonly existing: T | undefined;
}

/**
 * Makes the cached object of `kind` named as `desired` match it, as a child of `memcached`:
 * - an object of that name that this Memcached does not control is left alone, and a `NameInUse` warning event
 *   says so (`not-owned`): the operator never takes over what someone else made;
 * - otherwise it server-side applies `desired` unless the cached object already matches it (`unchanged`): without
 *   the check every reconcile would be a PATCH even when nothing changed, and a resync must cost no write. Apply
 *   (rather than update) leaves the fields other actors own alone, e.g. the defaults the API server fills in.
 */
export async function applyOwned<T extends KubernetesObject>(
  client: Client,
  recorder: EventRecorder,
  memcached: Memcached,
  kind: ResourceKind<T>,
  desired: T,
): Promise<ApplyOutcome<T>> {
  const key = keyOf(desired);
  const existing = await client.get(kind, key);
  if (existing && !isControlledBy(existing, memcached)) {
    recorder.event(
      memcached,
      'Warning',
      'NameInUse',
      `${kind.kind} ${key.name} exists and is not owned by this Memcached`,
    );
    return { result: 'not-owned', existing };
  }
  if (existing && matchesDesired(comparable(desired), existing)) return { result: 'unchanged', existing };
  await client.apply(kind, desired, { fieldManager: OperatorName, force: true });
  return { result: existing ? 'updated' : 'created', existing };
}

/** The parts of a desired object worth comparing: list items from the cache may lack apiVersion and kind. */
function comparable(obj: KubernetesObject): object {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'apiVersion' && k !== 'kind'));
}
