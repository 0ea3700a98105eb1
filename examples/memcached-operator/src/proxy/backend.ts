/** One memcached server as the proxy sees it: its identity on the hash ring and where to reach it now. */
export interface Backend {
  /** The pod name (`web-0`): stable across restarts, so twemproxy's ketama keeps the server's ring position. */
  readonly name: string;
  /** The pod IP; changes when the pod is recreated. */
  readonly ip: string;
  readonly port: number;
}

/** `ip:port`, with IPv6 addresses in brackets as both proxies expect. */
export function backendAddress(backend: Backend): string {
  return backend.ip.includes(':') ? `[${backend.ip}]:${backend.port}` : `${backend.ip}:${backend.port}`;
}

const ordinalSuffix = /^(.*)-(\d+)$/;

/**
 * Compares StatefulSet pod names by prefix, then by ordinal as a number (`web-2` before `web-10`), then by address.
 * The order is the ring order: mcrouter's Ch3 hashes by position in the list, so pod `web-N` must stay at index N
 * however the endpoints arrived.
 */
export function compareBackends(a: Backend, b: Backend): number {
  const ma = ordinalSuffix.exec(a.name);
  const mb = ordinalSuffix.exec(b.name);
  if (ma && mb && ma[1] === mb[1]) {
    const byOrdinal = Number(ma[2]) - Number(mb[2]);
    if (byOrdinal !== 0) return byOrdinal;
  } else if (a.name !== b.name) {
    return a.name < b.name ? -1 : 1;
  }
  return backendAddress(a) < backendAddress(b) ? -1 : backendAddress(a) > backendAddress(b) ? 1 : 0;
}

/**
 * The backends in ring order, one per name. Endpoints may list a pod twice (two EndpointSlices during an update);
 * the first in order wins, so the result depends only on the set given, never on the order it came in.
 */
export function sortBackends(backends: Iterable<Backend>): Backend[] {
  const sorted = [...backends].sort(compareBackends);
  const seen = new Set<string>();
  return sorted.filter((b) => (seen.has(b.name) ? false : (seen.add(b.name), true)));
}
