import type { Client, RequestOptions } from '../client.js';
import { WriteCheckingClient } from './write-checking-client.js';

/**
 * A client whose writes fail once `fence()` returns an error: after leadership is lost, a reconcile that ignores its
 * aborted signal still cannot write, so the old and the new leader never write at once from this process.
 * With `fenceSignal` (aborted when the fence closes), a write already in flight is aborted too, whatever signal its
 * caller passed: it rejects with the signal's reason rather than landing after the fence.
 * Reads pass through (a cached read sends nothing; an uncached one follows the caller's signal).
 */
export class FencedClient extends WriteCheckingClient {
  constructor(
    inner: Client,
    private readonly fence: () => Error | undefined,
    private readonly fenceSignal?: AbortSignal,
  ) {
    super(inner);
  }

  protected admitWrite(): Promise<void> {
    const err = this.fence();
    return err ? Promise.reject(err) : Promise.resolve();
  }

  protected override writeOptions<O extends RequestOptions>(options: O): O;
  protected override writeOptions<O extends RequestOptions>(options: O | undefined): O | undefined;
  protected override writeOptions<O extends RequestOptions>(options: O | undefined): O | undefined {
    const fence = this.fenceSignal;
    if (!fence) return options;
    const signal = options?.signal ? AbortSignal.any([fence, options.signal]) : fence;
    return { ...options, signal } as O;
  }
}
