import type { InformerHealth } from '../cache/shared-informer-cache.js';

/**
 * The informers did not sync within `cacheSyncTimeoutMs`, so `start()` gave up (as controller-runtime's
 * `CacheSyncTimeout`). The message names each informer that did not, with its last error: usually a CRD that is not
 * installed or a missing RBAC rule, which waiting will not fix. Exit and let the restart backoff make it visible.
 */
export class CacheSyncTimeoutError extends Error {
  override readonly name = 'CacheSyncTimeoutError';

  constructor(
    readonly timeoutMs: number,
    /** The informers that had not synced when the time ran out. */
    readonly informers: readonly InformerHealth[],
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for the informer caches to sync; not synced: ${informers
        .map(describeUnsynced)
        .join(', ')}`,
    );
  }
}

/** `cache.spoke.dev/v1/Gadget in namespace web (Backoff: list ...: 404 Not Found)`. */
function describeUnsynced(h: InformerHealth): string {
  const where = h.namespace ? ` in namespace ${h.namespace}` : '';
  return `${h.kind}${where} (${h.phase}${h.lastError ? `: ${h.lastError}` : ''})`;
}
