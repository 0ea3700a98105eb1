import type { V1EndpointSlice } from '@kubernetes/client-node';
import type { Request } from '@spoke/manager';

/** The label the endpointslice controller puts on each slice: the name of the Service it belongs to. */
export const ServiceNameLabel = 'kubernetes.io/service-name';

/**
 * The Memcached whose servers an EndpointSlice lists: the headless Service has the Memcached's name. A slice of any
 * other Service maps to a Memcached that does not exist, and that reconcile finds nothing to do.
 */
export function memcachedOfEndpointSlice(slice: V1EndpointSlice): Request[] {
  const service = slice.metadata?.labels?.[ServiceNameLabel];
  const namespace = slice.metadata?.namespace;
  return service && namespace ? [{ namespace, name: service }] : [];
}
