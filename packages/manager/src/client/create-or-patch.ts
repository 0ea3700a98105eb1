import type { KubernetesObject } from '@kubernetes/client-node';
import { createOrWrite } from './create-or-write.js';
import { createMergePatch } from '../internal/json/merge-patch.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import type { Client, RequestOptions } from './client.js';
import type { MutateFunc, OperationResult } from './operation-result.js';

type WithStatus = KubernetesObject & { status?: unknown };

function splitStatus(obj: KubernetesObject): { main: Record<string, unknown>; status: unknown } {
  const { status, ...main } = obj as WithStatus;
  return { main, status };
}

/**
 * As {@link createOrUpdate}, but an existing object is changed by a JSON merge patch of exactly what `mutate`
 * changed (then a second patch on the status subresource, if the status changed), as controller-runtime's
 * `CreateOrPatch`. A patch carries no resourceVersion, so it does not fail on a stale cache; but lists are replaced
 * whole, so prefer {@link createOrUpdate} when another writer may change the same list. `options` (the reconcile's
 * signal, a deadline) go with every request.
 */
export function createOrPatch<T extends KubernetesObject>(
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
      create: async (desired, key) => {
        const { status } = splitStatus(desired);
        const created = await client.create(kind, desired, options);
        // Create ignores the status of kinds with a status subresource: send it where it is accepted.
        if (status === undefined) return created;
        const patch = createMergePatch({ status: splitStatus(created).status }, { status });
        return patch ? client.status.patch(kind, key, { type: 'merge', body: patch }, options) : created;
      },
      change: async (before, after, key) => {
        const was = splitStatus(before);
        const now = splitStatus(after);
        const mainPatch = createMergePatch(was.main, now.main);
        const statusPatch = createMergePatch({ status: was.status }, { status: now.status });
        let result: T | undefined;
        if (mainPatch) result = await client.patch(kind, key, { type: 'merge', body: mainPatch }, options);
        if (statusPatch) {
          result = await client.status.patch(kind, key, { type: 'merge', body: statusPatch }, options);
        }
        return result;
      },
    },
    options,
  );
}
