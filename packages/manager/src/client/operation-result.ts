import type { KubernetesObject } from '@kubernetes/client-node';

/** What `createOrUpdate` or `createOrPatch` did; `unchanged` means no write request was sent. */
export type OperationResult = 'created' | 'updated' | 'unchanged';

/** Changes the desired object in place; may be async (to read other objects). */
export type MutateFunc<T extends KubernetesObject> = (obj: T) => void | Promise<void>;
