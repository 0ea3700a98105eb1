import type { V1EndpointSlice } from '@kubernetes/client-node';
import { convertToHub } from '../../src/api/conversion/memcached-conversion.js';
import type { MemcachedSpec } from '../../src/api/v1alpha1/index.js';
import type { Memcached } from '../../src/api/v1beta1/index.js';

/**
 * A Memcached as the controllers read it from the API (v1beta1, with a uid and a generation), written with
 * v1alpha1's flat spec and converted as the API server's conversion webhook would.
 */
export function memcached(spec: MemcachedSpec = {}, name = 'web'): Memcached {
  return convertToHub({
    apiVersion: 'cache.spoke.dev/v1alpha1',
    kind: 'Memcached',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec,
  });
}

/** An endpoint of the headless Service, as the endpointslice controller writes it. */
export interface EndpointFixture {
  readonly pod: string;
  readonly ip: string;
  readonly ready?: boolean;
  readonly terminating?: boolean;
}

export function endpointSlice(name: string, endpoints: readonly EndpointFixture[]): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'memcached', port: 11211, protocol: 'TCP' }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      targetRef: { kind: 'Pod', name: e.pod, namespace: 'default' },
      conditions: {
        ...(e.ready === undefined ? {} : { ready: e.ready }),
        ...(e.terminating === undefined ? {} : { terminating: e.terminating }),
      },
    })),
  };
}
