import type { Client } from '../client.js';
import { WriteCheckingClient } from './write-checking-client.js';

/**
 * A client whose writes fail once `fence()` returns an error: after leadership is lost, a reconcile that ignores its
 * aborted signal still cannot write, so the old and the new leader never write at once from this process.
 * Reads pass through (they are local and harmless).
 */
export class FencedClient extends WriteCheckingClient {
  constructor(
    inner: Client,
    private readonly fence: () => Error | undefined,
  ) {
    super(inner);
  }

  protected admitWrite(): Promise<void> {
    const err = this.fence();
    return err ? Promise.reject(err) : Promise.resolve();
  }
}
