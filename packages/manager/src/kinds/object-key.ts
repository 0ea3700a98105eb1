import type { KubernetesObject } from '@kubernetes/client-node';

/** Names one object: `namespace` is empty or absent for cluster-scoped kinds. */
export interface ObjectKey {
  readonly namespace?: string;
  readonly name: string;
}

/** The object's key as a string, `namespace/name` (or `name` when cluster-scoped), as client-go's MetaNamespaceKeyFunc. */
export function objectKeyString(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

/** The key of an object read from the API; throws when it has no name (an object from the API always has one). */
export function keyOf(obj: KubernetesObject): ObjectKey {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`object of kind ${obj.kind ?? '<unknown>'} has no metadata.name`);
  const namespace = obj.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}
