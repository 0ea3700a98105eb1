import { createRequire } from 'node:module';
import type { Agent, ProxyAgent } from 'undici';

/** The two dispatchers the transport builds. */
export interface UndiciCore {
  readonly Agent: typeof Agent;
  readonly ProxyAgent: typeof ProxyAgent;
}

const requireCjs = createRequire(import.meta.url);

/**
 * undici's `Agent` and `ProxyAgent` without its index: `import 'undici'` also loads fetch, WebSocket, EventSource,
 * the cache and the mocks (~13 MB RSS more at idle), none of which the manager uses. The index's one side effect the
 * dispatcher API needs, `Object.assign(Dispatcher.prototype, api)` (what gives a dispatcher `request()`), is
 * repeated here. These paths are undici's internals (it has no `exports` map, so they resolve): when a version moves
 * them, or they are not what they were, the index is loaded instead.
 */
function load(): UndiciCore {
  try {
    const agent = requireCjs('undici/lib/dispatcher/agent.js') as unknown;
    const proxyAgent = requireCjs('undici/lib/dispatcher/proxy-agent.js') as unknown;
    const dispatcher = requireCjs('undici/lib/dispatcher/dispatcher.js') as unknown;
    const api = requireCjs('undici/lib/api/index.js') as unknown;
    if (
      typeof agent === 'function' &&
      typeof proxyAgent === 'function' &&
      typeof dispatcher === 'function' &&
      typeof (api as { request?: unknown } | null)?.request === 'function' &&
      typeof (api as { stream?: unknown }).stream === 'function'
    ) {
      const prototype = dispatcher.prototype as Record<string, unknown>;
      if (typeof prototype['request'] !== 'function') Object.assign(prototype, api);
      return { Agent: agent as typeof Agent, ProxyAgent: proxyAgent as typeof ProxyAgent };
    }
  } catch {
    // Fall through to the index.
  }
  return requireCjs('undici') as UndiciCore;
}

export const undiciCore: UndiciCore = load();
