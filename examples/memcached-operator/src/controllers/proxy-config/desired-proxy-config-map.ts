import type { V1ConfigMap } from '@kubernetes/client-node';
import { newControllerRef } from '@spoke/manager/kinds';
import type { Memcached } from '../../api/v1beta1/index.js';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import { proxyConfigMapName, type ProxyConfig } from '../../proxy/index.js';
import { Annotations } from '../../contract/annotations.js';
import { statusBackends } from '../../contract/proxy-config-maps.js';
import { objectLabels } from '../../contract/labels.js';

/**
 * One rendered proxy config as an immutable ConfigMap named by its content hash. Immutable, so that the kubelet
 * stops watching it and no one edits a config a running proxy was started with: a change is a new ConfigMap and a
 * rollout, which is observable and reversible.
 */
export function desiredProxyConfigMap(
  memcached: Memcached,
  config: ProxyConfig,
  generation: number,
): V1ConfigMap {
  const name = memcached.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: proxyConfigMapName(name, config.hash),
      namespace: memcached.metadata?.namespace,
      labels: objectLabels(name, 'proxy-config'),
      annotations: {
        [Annotations.configGeneration]: String(generation),
        [Annotations.backends]: JSON.stringify(statusBackends(config)),
      },
      ownerReferences: [newControllerRef(memcached, MemcachedKind)],
    },
    immutable: true,
    data: { ...config.data },
  };
}
