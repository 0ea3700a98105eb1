import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** Hop-by-hop headers, which a proxy must not forward. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * An HTTP-level relay to the real API server, for faults a TCP relay cannot make: the client speaks plain HTTP to
 * it, and it forwards each request over TLS with the upstream kubeconfig's credentials. `closeWatchesAtOnce` ends
 * every watch response right after its headers, cleanly (the API server still saw and counted the WATCH);
 * `beforeForward` may hold a request back. Loopback only.
 */
export class HttpProxy {
  /** End each watch cleanly right after the API server accepted it. */
  closeWatchesAtOnce = false;
  /** Awaited before a request is forwarded; default none. */
  beforeForward: ((req: IncomingMessage) => Promise<void>) | undefined;
  /** `METHOD path?query` of every request received, in order. */
  readonly received: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(upstream: KubeConfig): Promise<HttpProxy> {
    const cluster = upstream.getCurrentCluster();
    if (!cluster) throw new Error('the upstream kubeconfig names no cluster');
    const target = new URL(cluster.server);
    const tls: RequestOptions = {};
    await upstream.applyToHTTPSOptions(tls);
    const agent = new Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
    const server = createServer((req, res) => {
      // Requests arrive only once listening, after `proxy` below is set.
      const self = proxy;
      self.received.push(`${req.method ?? '?'} ${req.url ?? ''}`);
      const isWatch = /[?&]watch=(true|1)(&|$)/.test(req.url ?? '');
      void (async () => {
        await self.beforeForward?.(req);
        const headers: OutgoingHttpHeaders = { host: target.host };
        // Upstream credentials: a token kubeconfig's Authorization header (a certificate one has none).
        if (tls.headers && !Array.isArray(tls.headers)) Object.assign(headers, tls.headers);
        for (const [name, value] of Object.entries(req.headers)) {
          if (!hopByHop.has(name) && name !== 'host' && value !== undefined) headers[name] = value;
        }
        const up = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers,
            agent,
          },
          (upRes) => {
            const out: OutgoingHttpHeaders = {};
            for (const [name, value] of Object.entries(upRes.headers)) {
              if (!hopByHop.has(name) && value !== undefined) out[name] = value;
            }
            res.writeHead(upRes.statusCode ?? 502, out);
            if (isWatch && self.closeWatchesAtOnce && upRes.statusCode === 200) {
              // A clean, empty end of the watch: what a load balancer with a short idle timeout does.
              res.end();
              upRes.destroy();
              return;
            }
            upRes.pipe(res);
          },
        );
        up.on('error', () => {
          res.destroy();
        });
        res.on('close', () => {
          up.destroy();
        });
        req.pipe(up);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new HttpProxy(server, (server.address() as AddressInfo).port);
    server.on('close', () => {
      agent.destroy();
    });
    return proxy;
  }

  /**
   * A kubeconfig that reaches the API server through this proxy, over plain HTTP, with no credentials of its own
   * (client-node accepts an http server only with skipTLSVerify; there is no TLS to verify).
   */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'proxy', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'anonymous' }],
      contexts: [{ name: 'proxy', cluster: 'proxy', user: 'anonymous' }],
      currentContext: 'proxy',
    });
    return kc;
  }

  /** Requests received whose path and query match `pattern`. */
  count(pattern: RegExp): number {
    return this.received.filter((r) => pattern.test(r)).length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
