import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on loopback between the manager replicas and kube-apiserver. `cut()` resets every connection through
 * it: every watch ends at once, as when a load balancer drops its connections, and each informer resumes from its
 * last resourceVersion — which is how a forced compaction reaches them as 410 Gone. TLS passes through untouched.
 */
export class TcpRelay {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly pairs: Set<readonly [Socket, Socket]>,
  ) {}

  static async start(upstreamPort: number): Promise<TcpRelay> {
    const pairs = new Set<readonly [Socket, Socket]>();
    const server = createServer((client) => {
      const upstream = connect(upstreamPort, '127.0.0.1');
      const pair = [client, upstream] as const;
      pairs.add(pair);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        pairs.delete(pair);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TcpRelay(server, (server.address() as AddressInfo).port, pairs);
  }

  /** `https://127.0.0.1:<port>`: the server replicas' kubeconfigs name. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Resets every open connection; new ones are accepted at once. Returns how many were cut. */
  cut(): number {
    const count = this.pairs.size;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
    return count;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
