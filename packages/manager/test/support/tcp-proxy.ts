import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfigVia } from './kube-config-via.js';

/**
 * A TCP relay between a client and the real API server, for injecting network faults: `cut()` drops every
 * connection and refuses new ones (the server looks down), `freeze()` keeps connections open but silent (a NAT
 * that dropped state), `heal()` restores service. TLS passes through untouched.
 */
export class TcpProxy {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly state: { refusing: boolean; readonly pairs: Set<[Socket, Socket]> },
  ) {}

  static async start(upstream: URL): Promise<TcpProxy> {
    const state = { refusing: false, pairs: new Set<[Socket, Socket]>() };
    const server = createServer((client) => {
      if (state.refusing) {
        client.destroy();
        return;
      }
      const up = connect(Number(upstream.port), upstream.hostname);
      const pair: [Socket, Socket] = [client, up];
      state.pairs.add(pair);
      const drop = (): void => {
        client.destroy();
        up.destroy();
        state.pairs.delete(pair);
      };
      client.on('error', drop).on('close', drop);
      up.on('error', drop).on('close', drop);
      client.pipe(up);
      up.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TcpProxy(server, (server.address() as AddressInfo).port, state);
  }

  /** A copy of `kubeConfig` whose current cluster points at this proxy. */
  kubeConfigFor(kubeConfig: KubeConfig): KubeConfig {
    return kubeConfigVia(kubeConfig, this.port);
  }

  cut(): void {
    this.state.refusing = true;
    for (const [client, up] of this.state.pairs) {
      client.destroy();
      up.destroy();
    }
    this.state.pairs.clear();
  }

  freeze(): void {
    for (const [client, up] of this.state.pairs) {
      client.unpipe(up);
      up.unpipe(client);
      client.pause();
      up.pause();
    }
  }

  heal(): void {
    this.state.refusing = false;
  }

  get connections(): number {
    return this.state.pairs.size;
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
