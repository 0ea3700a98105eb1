import type { Topology } from '../api/v1beta1/index.js';
import { backendAddress, sortBackends, type Backend } from './backend.js';
import { PoolName } from './render-twemproxy-config.js';

/** The mcrouter route for one topology, as mcrouter's JSON route-handle syntax. */
function route(topology: Topology, serverCount: number): unknown {
  const pool = `Pool|${PoolName}`;
  if (topology === 'Sharded') {
    // Ch3 consistent hashing over the pool's list positions: pod web-N sits at index N (see sortBackends).
    return `PoolRoute|${PoolName}`;
  }
  return {
    type: 'OperationSelectorRoute',
    // Every write (set, add, delete, incr...) goes to every server and reports the worst reply, so that a failed
    // replica is visible to the client rather than silently diverging.
    default_policy: `AllSyncRoute|${pool}`,
    operation_policies: {
      // Reads stick to one server per proxy (spreading load across proxies) and fail over on errors to the others.
      get: { type: 'LatestRoute', children: pool, failover_count: Math.max(serverCount - 1, 0) },
    },
  };
}

/**
 * mcrouter's JSON config: one pool of every server, routed by `PoolRoute` (Sharded) or by
 * `OperationSelectorRoute` with `AllSyncRoute` writes and `LatestRoute` reads (Replicated).
 *
 * mcrouter takes its listen port on the command line (`-p`), not in the config. Serialised with a fixed key order
 * and a trailing newline, so the bytes are stable.
 */
export function renderMcrouterConfig(backends: Iterable<Backend>, topology: Topology): string {
  const servers = sortBackends(backends).map(backendAddress);
  const config = { pools: { [PoolName]: { servers } }, route: route(topology, servers.length) };
  return JSON.stringify(config, null, 2) + '\n';
}
