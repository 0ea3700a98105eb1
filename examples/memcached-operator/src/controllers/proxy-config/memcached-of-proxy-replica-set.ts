import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Request } from '@spoke/manager';
import { Labels, selectorLabels } from '../../contract/labels.js';

/**
 * The Memcached whose proxy a ReplicaSet runs, from the pod-template labels the Deployment copies onto it. Lets the
 * ProxyConfigController delete an old config as soon as the last ReplicaSet mounting it scales to zero.
 */
export function memcachedOfProxyReplicaSet(rs: V1ReplicaSet): Request[] {
  const labels = rs.metadata?.labels ?? {};
  const name = labels[Labels.instance];
  const namespace = rs.metadata?.namespace;
  if (!name || !namespace) return [];
  const expected = selectorLabels(name, 'proxy');
  return Object.entries(expected).every(([k, v]) => labels[k] === v) ? [{ namespace, name }] : [];
}
