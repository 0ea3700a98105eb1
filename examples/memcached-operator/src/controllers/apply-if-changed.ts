import type { KubernetesObject } from '@kubernetes/client-node';
import type { Client, ResourceKind } from '@spoke/manager';
import { matchesDesired } from '../resources/matches-desired.js';
import { OperatorName } from '../resources/labels.js';

/** What {@link applyIfChanged} did. */
export type ApplyResult = 'created' | 'updated' | 'unchanged';

/**
 * Server-side applies `desired` unless `existing` (from the cache) already matches it. Without the check, every
 * reconcile would be a PATCH request even when nothing changed; with it, a resync costs no write. Apply (rather
 * than update) leaves the fields other actors own alone, e.g. the defaults the API server fills in.
 */
export async function applyIfChanged<T extends KubernetesObject>(
  client: Client,
  kind: ResourceKind<T>,
  desired: T,
  existing: T | undefined,
): Promise<ApplyResult> {
  if (existing && matchesDesired(comparable(desired), existing)) return 'unchanged';
  await client.apply(kind, desired, { fieldManager: OperatorName, force: true });
  return existing ? 'updated' : 'created';
}

/** The parts of a desired object worth comparing: list items from the cache may lack apiVersion and kind. */
function comparable(obj: KubernetesObject): object {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'apiVersion' && k !== 'kind'));
}
