import type { KubernetesObject } from '@kubernetes/client-node';
import { createOrWrite } from './create-or-write.js';
import { deepEqual } from '../internal/json/deep-equal.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import type { Client, RequestOptions } from './client.js';
import type { MutateFunc, OperationResult } from './operation-result.js';

/**
 * Makes the object exist in the state `mutate` gives it, as controller-runtime's `CreateOrUpdate`. Reads the
 * object by `obj`'s key (from the cache, by default); if absent, mutates `obj` and creates it; if present, copies
 * it into `obj`, mutates, and sends an update only when the mutation changed something. Afterwards `obj` holds what
 * the server returned (or the unchanged current object). An update is optimistic-concurrency: a stale cache
 * yields a 409 Conflict to retry, never a lost write. `options` (the reconcile's signal, a deadline) go with every
 * request.
 */
export function createOrUpdate<T extends KubernetesObject>(
  client: Client,
  kind: ResourceKind<T>,
  obj: T,
  mutate: MutateFunc<T>,
  options: RequestOptions = {},
): Promise<OperationResult> {
  return createOrWrite(
    client,
    kind,
    obj,
    mutate,
    {
      create: (desired) => client.create(kind, desired, options),
      change: async (before, after) =>
        deepEqual(before, after) ? undefined : client.update(kind, after, options),
    },
    options,
  );
}
