import type { V1EndpointSlice } from '@kubernetes/client-node';
import { sortBackends, type Backend } from '../../proxy/index.js';

/** What the endpoints of the servers' Service say. */
export interface ObservedBackends {
  /** Ready servers, in ring order: what the proxy config lists. */
  readonly ready: Backend[];
  /** Pods that have an address but are not ready yet (starting, or failing their probe). */
  readonly notReady: Backend[];
}

/**
 * The servers behind a headless Service, from its EndpointSlices. An endpoint's name is its pod's name
 * (`targetRef.name`), which is the server's identity on the hash ring. A `ready` condition that is absent counts as
 * ready, as the EndpointSlice API defines; terminating endpoints are never ready.
 */
export function backendsFromEndpointSlices(
  slices: readonly V1EndpointSlice[],
  portName = 'memcached',
): ObservedBackends {
  const ready: Backend[] = [];
  const notReady: Backend[] = [];
  for (const slice of slices) {
    const port = slice.ports?.find((p) => p.name === portName)?.port;
    if (port === undefined || (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6')) continue;
    for (const endpoint of slice.endpoints ?? []) {
      const name = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : endpoint.hostname;
      const ip = endpoint.addresses[0];
      if (!name || !ip) continue;
      const isReady = endpoint.conditions?.ready !== false && endpoint.conditions?.terminating !== true;
      (isReady ? ready : notReady).push({ name, ip, port });
    }
  }
  const readyNames = new Set(ready.map((b) => b.name));
  return {
    ready: sortBackends(ready),
    notReady: sortBackends(notReady.filter((b) => !readyNames.has(b.name))),
  };
}
