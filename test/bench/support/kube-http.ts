import { Agent, request, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** A response: status and body text. */
export interface KubeResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * The load driver's HTTP client: plain node:https on a kept-alive pool of `connections` sockets, the admin's client
 * certificate, JSON in and out. Deliberately not a framework client, so that the floor measures the API server and
 * not a client library; both contenders face the same driver.
 */
export class KubeHttp {
  private constructor(
    private readonly base: RequestOptions,
    private readonly agent: Agent,
  ) {}

  static async from(kubeConfig: KubeConfig, connections: number): Promise<KubeHttp> {
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig names no server');
    const url = new URL(server);
    const base: RequestOptions = { hostname: url.hostname, port: url.port };
    await kubeConfig.applyToHTTPSOptions(base);
    const agent = new Agent({
      keepAlive: true,
      maxSockets: connections,
      ca: base.ca,
      cert: base.cert,
      key: base.key,
    });
    return new KubeHttp(base, agent);
  }

  /** One request (a PATCH is a JSON merge patch); resolves with the status and body whatever the status. */
  request(method: string, path: string, body?: object): Promise<KubeResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...this.base,
          agent: this.agent,
          method,
          path,
          headers: {
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : {
                  'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A request that must answer `expected`; otherwise throws with the status and body. */
  async expect(expected: number, method: string, path: string, body?: object): Promise<unknown> {
    const res = await this.request(method, path, body);
    if (res.status !== expected)
      throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as unknown;
  }

  /**
   * A watch (`path` with `watch=1`): calls `onEvent` for each event line until `signal` aborts. Resolves once the
   * server has answered the request (the watch is established), so events from then on are seen. `onEnd` is called
   * if the server ends the watch first (kube-apiserver closes a watch whose client falls behind, and at its timeout).
   */
  watch(
    path: string,
    onEvent: (event: { type: string; object: unknown }) => void,
    signal: AbortSignal,
    onEnd?: () => void,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      // Its own socket: a long-running watch must not hold one of the driver's pooled connections.
      const req = request({ ...this.base, agent: false, method: 'GET', path, signal }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${path}: ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let newline;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            if (line) onEvent(JSON.parse(line) as { type: string; object: unknown });
          }
        });
        res.on('error', () => undefined); // an abort ends the stream
        res.on('close', () => {
          if (!signal.aborted) onEnd?.();
        });
      });
      req.on('error', (err) => {
        if (!signal.aborted) reject(err);
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
