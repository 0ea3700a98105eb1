import { connect, type Socket } from 'node:net';

/** A parsed reply, or undefined while the buffer holds only part of it. */
type ReplyParser<T> = (buffer: Buffer) => { value: T; consumed: number } | undefined;

const CRLF = '\r\n';

/** One `\r\n`-terminated line at the start of `buffer`. */
function line(buffer: Buffer, from = 0): { text: string; next: number } | undefined {
  const end = buffer.indexOf(CRLF, from);
  return end < 0 ? undefined : { text: buffer.toString('utf8', from, end), next: end + 2 };
}

/**
 * A minimal client for memcached's text protocol (set, get, stats, flush_all), one request in flight at a time.
 * Enough to drive a proxy and inspect servers in tests; it speaks the protocol as documented in memcached's
 * protocol.txt, so it works the same against memcached, twemproxy and mcrouter.
 */
export class MemcachedTextClient {
  private buffer = Buffer.alloc(0);
  private pending:
    | { parse: ReplyParser<unknown>; resolve: (v: unknown) => void; reject: (e: Error) => void }
    | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    socket.on('error', (err) => {
      this.fail(err);
    });
    socket.on('close', () => {
      this.fail(new Error(`memcached ${address}: connection closed`));
    });
  }

  /** Connects to `host:port`; rejects if nothing listens there. */
  static connect(port: number, host = '127.0.0.1'): Promise<MemcachedTextClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new MemcachedTextClient(socket, `${host}:${port}`));
      });
      socket.once('error', reject);
    });
  }

  /** Stores `value` under `key`; rejects on any reply but STORED. */
  async set(key: string, value: string): Promise<void> {
    const reply = await this.request(
      `set ${key} 0 0 ${Buffer.byteLength(value)}${CRLF}${value}${CRLF}`,
      (b) => {
        const l = line(b);
        return l && { value: l.text, consumed: l.next };
      },
    );
    if (reply !== 'STORED') throw new Error(`memcached ${this.address}: set ${key}: ${reply}`);
  }

  /** The value of `key`, or undefined on a miss. */
  get(key: string): Promise<string | undefined> {
    return this.request(`get ${key}${CRLF}`, (b) => {
      const header = line(b);
      if (!header) return undefined;
      if (header.text === 'END') return { value: undefined, consumed: header.next };
      const match = /^VALUE \S+ \d+ (\d+)/.exec(header.text);
      if (!match) throw new Error(`memcached ${this.address}: get ${key}: ${header.text}`);
      const length = Number(match[1]);
      const end = line(b, header.next + length + 2);
      if (!end) return undefined;
      return { value: b.toString('utf8', header.next, header.next + length), consumed: end.next };
    });
  }

  /** The server's `stats`, as name → value. */
  stats(): Promise<Map<string, string>> {
    return this.request(`stats${CRLF}`, (b) => {
      const stats = new Map<string, string>();
      for (let at = 0; ; ) {
        const l = line(b, at);
        if (!l) return undefined;
        at = l.next;
        if (l.text === 'END') return { value: stats, consumed: at };
        const [, name, value] = l.text.split(' ');
        if (name !== undefined && value !== undefined) stats.set(name, value);
      }
    });
  }

  /** Drops every item on this server. */
  async flushAll(): Promise<void> {
    const reply = await this.request(`flush_all${CRLF}`, (b) => {
      const l = line(b);
      return l && { value: l.text, consumed: l.next };
    });
    if (reply !== 'OK') throw new Error(`memcached ${this.address}: flush_all: ${reply}`);
  }

  close(): void {
    this.socket.destroy();
  }

  private request<T>(command: string, parse: ReplyParser<T>): Promise<T> {
    const run = () =>
      new Promise<T>((resolve, reject) => {
        this.pending = { parse, resolve: resolve as (v: unknown) => void, reject };
        this.socket.write(command);
        this.drain();
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private drain(): void {
    const pending = this.pending;
    if (!pending) return;
    try {
      const reply = pending.parse(this.buffer);
      if (!reply) return;
      this.buffer = this.buffer.subarray(reply.consumed);
      this.pending = undefined;
      pending.resolve(reply.value);
    } catch (err) {
      this.pending = undefined;
      pending.reject(err as Error);
    }
  }

  private fail(err: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(err);
  }
}
