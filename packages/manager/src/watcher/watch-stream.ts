import type { OpenStream } from '../rest/rest-client.js';
import { LineSplitter } from './line-splitter.js';

/** What reading a watch stream yields next. */
export type StreamRead =
  | { readonly type: 'line'; readonly line: string }
  /** The server closed the stream cleanly. */
  | { readonly type: 'end' }
  /** Nothing arrived (not even a bookmark) within the inactivity timeout. */
  | { readonly type: 'silent' };

/** Lines read ahead before the socket is paused: the watcher consumes them one by one. */
const highWaterLines = 1024;

/**
 * Splits a watch response into its newline-delimited JSON lines, with an inactivity timeout on each read: a
 * connection that a NAT or load balancer dropped without a FIN looks open forever, so silence has to end it.
 * Reads the Node stream's Buffers directly (see {@link LineSplitter}), pausing it while lines wait to be consumed.
 */
export class WatchStream {
  readonly #splitter = new LineSplitter();
  #lines: string[] = [];
  #head = 0;
  #ended = false;
  #closed = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly open: OpenStream) {
    const body = open.body;
    body.on('data', (chunk: Buffer | string) => {
      const lines = this.#splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      if (lines.length === 0) return;
      for (const line of lines) this.#lines.push(line);
      if (this.#lines.length - this.#head >= highWaterLines) body.pause();
      this.#notify();
    });
    body.on('end', () => {
      const rest = this.#splitter.end();
      if (rest !== undefined) this.#lines.push(rest);
      this.#ended = true;
      this.#notify();
    });
    body.on('error', (err: unknown) => {
      this.#error ??= err instanceof Error ? err : new Error(String(err));
      this.#notify();
    });
    body.on('close', () => {
      this.#ended = true;
      this.#notify();
    });
  }

  async next(inactivityTimeoutMs: number): Promise<StreamRead> {
    for (;;) {
      if (this.#head < this.#lines.length) {
        const line = this.#lines[this.#head++] as string;
        if (this.#head === this.#lines.length) {
          this.#lines = [];
          this.#head = 0;
          if (!this.#ended && this.open.body.isPaused()) this.open.body.resume();
        }
        return { type: 'line', line };
      }
      if (this.#closed) return { type: 'end' };
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return { type: 'end' };
      if (!(await this.#wait(inactivityTimeoutMs))) return { type: 'silent' };
    }
  }

  /** Aborts the request; idempotent. */
  close(): void {
    this.#closed = true;
    this.open.close();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves true when something happened, false after `timeoutMs` of silence. */
  #wait(timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, timeoutMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}
