import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigVia } from './kube-config-via.js';

interface Pair {
  readonly client: Socket;
  readonly up: Socket;
  /** Bytes from the client not yet forwarded (while holding). */
  held: Buffer[];
  closed: boolean;
}

/**
 * A TCP relay to the real API server that can hold requests in the network: after `hold()`, bytes from clients are
 * kept, not forwarded (as on a congested or partitioned link); `release()` forwards what is still held on
 * connections the client kept open and resumes relaying. A request whose client gave up (closed its connection)
 * while held is never delivered: that is what the relay makes observable. TLS passes through untouched.
 */
export class HoldingRelay {
  private holding = false;
  private readonly pairs = new Set<Pair>();
  /** Connections closed by their client while holding undelivered bytes. */
  discarded = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(upstream: URL): Promise<HoldingRelay> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const relay = new HoldingRelay(server, (server.address() as AddressInfo).port);
    server.on('connection', (client: Socket) => {
      relay.accept(client, upstream);
    });
    return relay;
  }

  /** A copy of `kubeConfig` whose current cluster points at this relay. */
  kubeConfigFor(kubeConfig: KubeConfig): KubeConfig {
    return kubeConfigVia(kubeConfig, this.port);
  }

  /** From now on, keep every byte clients send instead of forwarding it. */
  hold(): void {
    this.holding = true;
  }

  /** Open connections with bytes held. */
  get heldConnections(): number {
    return [...this.pairs].filter((p) => p.held.length > 0).length;
  }

  /**
   * Forwards the bytes still held on open connections and relays normally again. Resolves with how many
   * connections were delivered held bytes, once each of them got an answer from the server (or closed), or after
   * 10 s at the most.
   */
  async release(): Promise<number> {
    this.holding = false;
    const answered: Promise<void>[] = [];
    for (const pair of this.pairs) {
      if (pair.held.length === 0 || pair.closed) continue;
      answered.push(
        new Promise<void>((resolve) => {
          pair.up.once('data', () => {
            resolve();
          });
          pair.up.once('close', () => {
            resolve();
          });
        }),
      );
      for (const chunk of pair.held.splice(0)) pair.up.write(chunk);
    }
    await Promise.race([Promise.all(answered), sleep(10_000)]);
    return answered.length;
  }

  async stop(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.up.destroy();
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private accept(client: Socket, upstream: URL): void {
    const up = connect(Number(upstream.port), upstream.hostname);
    const pair: Pair = { client, up, held: [], closed: false };
    this.pairs.add(pair);
    const drop = (): void => {
      if (pair.closed) return;
      pair.closed = true;
      if (pair.held.length > 0) this.discarded++;
      pair.held = [];
      client.destroy();
      up.destroy();
      this.pairs.delete(pair);
    };
    client.on('data', (chunk: Buffer) => {
      if (this.holding || pair.held.length > 0) pair.held.push(chunk);
      else up.write(chunk);
    });
    up.on('data', (chunk: Buffer) => {
      client.write(chunk);
    });
    client.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  }
}
