import { newControllerRef } from '@spoke/manager/kinds';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import type { V1Service } from '@kubernetes/client-node';
import type { Memcached } from '../../api/v1beta1/index.js';
import { MemcachedPort } from '../../proxy/index.js';
import { objectLabels, selectorLabels, type Component } from '../../contract/labels.js';
import { proxyName, serverServiceName } from '../../contract/names.js';

function service(memcached: Memcached, name: string, component: Component, headless: boolean): V1Service {
  const memcachedName = memcached.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: memcached.metadata?.namespace,
      labels: objectLabels(memcachedName, component),
      ownerReferences: [newControllerRef(memcached, MemcachedKind)],
    },
    spec: {
      ...(headless ? { clusterIP: 'None' } : {}),
      selector: selectorLabels(memcachedName, component),
      ports: [{ name: 'memcached', port: MemcachedPort, targetPort: 'memcached', protocol: 'TCP' }],
    },
  };
}

/**
 * The headless Service of the servers: it gives the StatefulSet's pods their DNS names, and its EndpointSlices
 * are what the proxy configuration is rendered from (ready endpoints only).
 */
export function desiredServerService(memcached: Memcached): V1Service {
  return service(memcached, serverServiceName(memcached.metadata?.name ?? ''), 'server', true);
}

/** The Service clients connect to: `<name>-proxy:11211`, load-balanced over the proxy pods. */
export function desiredProxyService(memcached: Memcached): V1Service {
  return service(memcached, proxyName(memcached.metadata?.name ?? ''), 'proxy', false);
}
