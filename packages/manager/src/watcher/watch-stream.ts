import type { OpenStream } from '../rest/rest-client.js';

/** What reading a watch stream yields next. */
export type StreamRead =
  | { readonly type: 'line'; readonly line: string }
  /** The server closed the stream cleanly. */
  | { readonly type: 'end' }
  /** Nothing arrived (not even a bookmark) within the inactivity timeout. */
  | { readonly type: 'silent' };

/**
 * Splits a watch response into its newline-delimited JSON lines, with an inactivity timeout on each read: a
 * connection that a NAT or load balancer dropped without a FIN looks open forever, so silence has to end it.
 */
export class WatchStream {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  #ended = false;

  constructor(private readonly open: OpenStream) {
    this.#reader = open.body.getReader();
  }

  async next(inactivityTimeoutMs: number): Promise<StreamRead> {
    for (;;) {
      const newline = this.#buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).trim();
        this.#buffer = this.#buffer.slice(newline + 1);
        if (line !== '') return { type: 'line', line };
        continue;
      }
      if (this.#ended) {
        const rest = this.#buffer.trim();
        this.#buffer = '';
        return rest === '' ? { type: 'end' } : { type: 'line', line: rest };
      }
      const chunk = await this.readWithin(inactivityTimeoutMs);
      if (chunk === 'silent') return { type: 'silent' };
      if (chunk === undefined) {
        this.#ended = true;
        this.#buffer += this.#decoder.decode();
      } else {
        this.#buffer += this.#decoder.decode(chunk, { stream: true });
      }
    }
  }

  /** Aborts the request; idempotent. */
  close(): void {
    this.open.close();
    this.#reader.cancel().catch(() => undefined);
  }

  private async readWithin(timeoutMs: number): Promise<Uint8Array | undefined | 'silent'> {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<'silent'>((resolve) => {
      timer = setTimeout(() => {
        resolve('silent');
      }, timeoutMs);
    });
    try {
      const result = await Promise.race([this.#reader.read(), silence]);
      if (result === 'silent') return 'silent';
      return result.done ? undefined : result.value;
    } finally {
      clearTimeout(timer);
    }
  }
}
