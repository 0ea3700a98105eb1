import type { V1ConfigMap } from '@kubernetes/client-node';

/** A ConfigMap to create in tests. */
export function configMap(namespace: string, name: string, data: Record<string, string> = {}): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data };
}
