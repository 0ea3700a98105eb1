import { createHash } from 'node:crypto';
import type { AgentOptions, RequestOptions } from 'node:https';
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

/** What every request needs from the kubeconfig: the server, the auth headers, the TLS connection pool. */
export interface PreparedTransport {
  /** The cluster's base URL, without a trailing slash. */
  readonly server: string;
  /** `host:port`, the `host` label of `rest_client_requests_total`. */
  readonly host: string;
  readonly headers: Record<string, string>;
  readonly dispatcher: Dispatcher | undefined;
}

function fingerprint(value: unknown): string {
  if (value === undefined || value === null) return '';
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const hash = createHash('sha256');
  for (const item of items)
    hash.update(typeof item === 'string' || Buffer.isBuffer(item) ? item : String(item));
  return hash.digest('hex');
}

/**
 * Applies a KubeConfig to requests. Connections speak HTTP/1.1, as kube-rs does: each watch has its own connection,
 * so one that dies silently stalls only that watch, and abandoning a request retires its socket. (Over HTTP/2 every
 * request shares one connection, which undici replaces only after two unanswered 60 s pings.)
 * Authentication is client-node's (tokens, client certificates, exec and OIDC
 * plugins, impersonation), applied per request so refreshed tokens are picked up; the undici connection pool is
 * ours and reused until the TLS material changes, because client-node builds a new pool (new TLS handshakes) per call.
 */
export class HttpTransport {
  #dispatcher: Dispatcher | undefined;
  #dispatcherKey: string | undefined;

  constructor(private readonly kubeConfig: KubeConfig) {}

  async prepare(): Promise<PreparedTransport> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) {
      throw new Error(
        `kubeconfig context ${JSON.stringify(this.kubeConfig.getCurrentContext())} names no cluster`,
      );
    }
    const server = cluster.server.replace(/\/+$/, '');
    const options: RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    const dispatcher = await this.dispatcherFor(server, options);
    return { server, host: new URL(server).host, headers, dispatcher };
  }

  /** Closes the connection pool; in-flight requests (and open watches) finish first. */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    this.#dispatcherKey = undefined;
    await dispatcher?.close();
  }

  private async dispatcherFor(server: string, tls: RequestOptions): Promise<Dispatcher | undefined> {
    const cluster = this.kubeConfig.getCurrentCluster();
    const agentOptions: AgentOptions = {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
      servername: tls.servername,
    };
    if (tls.rejectUnauthorized !== undefined) agentOptions.rejectUnauthorized = tls.rejectUnauthorized;
    const plan = this.kubeConfig.createDispatcherOptions(cluster, agentOptions);
    const key = [
      server,
      plan.type,
      'uri' in plan ? plan.uri : '',
      fingerprint(tls.ca),
      fingerprint(tls.cert),
      fingerprint(tls.key),
      String(tls.rejectUnauthorized),
      tls.servername ?? '',
    ].join('|');
    if (key === this.#dispatcherKey) return this.#dispatcher;

    let next: Dispatcher | undefined;
    switch (plan.type) {
      case 'none':
        next = new Agent({ allowH2: false });
        break;
      case 'agent':
        next = new Agent({ connect: plan.connect, allowH2: false });
        break;
      case 'proxy':
        next = new ProxyAgent({
          uri: plan.uri,
          requestTls: plan.requestTls,
          connect: plan.connect,
          allowH2: false,
        });
        break;
      case 'socks': {
        // client-node's SOCKS connector is not exported: let it build the dispatcher once, then reuse it.
        const ctx = new RequestContext(server, HttpMethod.GET);
        await this.kubeConfig.applySecurityAuthentication(ctx);
        next = ctx.getDispatcher();
        break;
      }
    }
    const previous = this.#dispatcher;
    this.#dispatcher = next;
    this.#dispatcherKey = key;
    // Rotated credentials: retire the old pool once its requests are done.
    if (previous) void previous.close().catch(() => undefined);
    return next;
  }
}
