import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AgentOptions, RequestOptions } from 'node:https';
import type { Dispatcher } from 'undici';
import {
  isSpokeKubeConfig,
  type ClientNodeKubeConfig,
  type KubeConfig,
  type KubeConfigLike,
} from '../kubeconfig/index.js';
import { undiciCore } from './undici-core.js';

const { Agent, ProxyAgent } = undiciCore;

/** What every request needs from the kubeconfig: the server, the auth headers, the TLS connection pool. */
export interface PreparedTransport {
  /** The cluster's base URL, without a trailing slash. */
  readonly server: string;
  /** `scheme://host:port`, what undici's `request()` takes as `origin`. */
  readonly origin: string;
  /** The path prefix of the server URL (usually empty), without a trailing slash. */
  readonly basePath: string;
  /** `host:port`, the `host` label of `rest_client_requests_total`. */
  readonly host: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The HTTP/1.1 pool: watches and other streams, one connection each. */
  readonly dispatcher: Dispatcher;
  /** The pool of requests that complete (get, list, create, …): HTTP/2 when enabled, else {@link dispatcher}. */
  readonly unaryDispatcher: Dispatcher;
}

/**
 * How long file-backed credentials (a `tokenFile`, certificate files) are trusted before they are read again, as
 * client-go's cached file token source: a rotated projected ServiceAccount token is picked up within a minute.
 */
export const defaultCredentialRefreshMs = 60_000;

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** How long credentials read from files are reused; default {@link defaultCredentialRefreshMs}. */
  readonly credentialRefreshMs?: number;
  /**
   * Offer HTTP/2 (ALPN) for requests that complete, multiplexed on one connection as client-go does; watches stay on
   * HTTP/1.1 either way. Default {@link defaultHttp2}. Applies to a Spoke kubeconfig without a proxy; through a proxy
   * or a client-node kubeconfig every request is HTTP/1.1.
   */
  readonly http2?: boolean;
}

/**
 * {@link HttpTransportOptions.http2} is off by default: over Node's `http2` core the secret mirror spent 5–10 % more
 * CPU per reconcile than over undici's HTTP/1.1 client, with no steady converge gain (docs/decisions.md).
 */
export const defaultHttp2 = false;

function fingerprint(value: unknown): string {
  if (value === undefined || value === null) return '';
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const hash = createHash('sha256');
  for (const item of items)
    hash.update(typeof item === 'string' || Buffer.isBuffer(item) ? item : String(item));
  return hash.digest('hex');
}

/** TLS and proxy material of a connection pool; a change of any of it means a new pool. */
interface PoolPlan {
  readonly key: string;
  create(): Pools | Promise<Pools>;
}

/** The connection pools of one server: streams on HTTP/1.1, requests that complete on `unary` (may be the same). */
interface Pools {
  readonly stream: Dispatcher;
  readonly unary: Dispatcher;
}

function single(dispatcher: Dispatcher): Pools {
  return { stream: dispatcher, unary: dispatcher };
}

function closePools(pools: Pools | undefined): Promise<void> {
  if (!pools) return Promise.resolve();
  const closing = [pools.stream.close()];
  if (pools.unary !== pools.stream) closing.push(pools.unary.close());
  return Promise.all(closing).then(() => undefined);
}

/** The auth and TLS a Spoke kubeconfig resolves to at one moment. */
interface Resolved {
  readonly headers: Record<string, string>;
  readonly tls: AgentOptions;
  readonly proxyUrl: string | undefined;
}

/**
 * Applies a kubeconfig to requests, with one kept-alive undici connection pool per server that is reused until the
 * TLS material changes. Connections speak HTTP/1.1, as kube-rs does: each watch has its own connection, so one that
 * dies silently stalls only that watch, and abandoning a request retires its socket. (Over HTTP/2 every request
 * shares one connection, which undici replaces only after two unanswered 60 s pings.) Requests that complete may
 * use a second pool over HTTP/2 ({@link HttpTransportOptions.http2}, off by default).
 *
 * A Spoke {@link KubeConfig} is applied here: CA, client certificate and key (data or files), bearer token or
 * `tokenFile` (re-read every minute), basic auth, impersonation, `insecure-skip-tls-verify`, an HTTP(S) proxy.
 * Exec and auth-provider plugins and SOCKS proxies are delegated to client-node's implementation, imported only
 * when a kubeconfig uses them. A client-node `KubeConfig` passed by the caller is applied by client-node, per request
 * so its refreshed tokens are picked up.
 */
export class HttpTransport {
  #dispatcher: Pools | undefined;
  #dispatcherKey: string | undefined;
  #prepared: { readonly at: number; readonly value: PreparedTransport } | undefined;
  #delegate: Promise<ClientNodeKubeConfig> | undefined;

  readonly #refreshMs: number;
  readonly #http2: boolean;

  constructor(
    private readonly kubeConfig: KubeConfigLike,
    options: HttpTransportOptions = {},
  ) {
    this.#refreshMs = options.credentialRefreshMs ?? defaultCredentialRefreshMs;
    this.#http2 = options.http2 ?? defaultHttp2;
  }

  async prepare(): Promise<PreparedTransport> {
    const kc = this.kubeConfig;
    if (isSpokeKubeConfig(kc) && !needsClientNode(kc)) return this.prepareSpoke(kc);
    return this.prepareClientNode(isSpokeKubeConfig(kc) ? await this.delegate(kc) : kc);
  }

  /** Closes the connection pool; in-flight requests (and open watches) finish first. */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    this.#dispatcherKey = undefined;
    this.#prepared = undefined;
    await closePools(dispatcher);
  }

  private async prepareSpoke(kc: KubeConfig): Promise<PreparedTransport> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new Error(`kubeconfig context ${JSON.stringify(kc.getCurrentContext())} names no cluster`);
    }
    // Resolved (files read, pool key hashed) once per refresh period, not per request.
    const now = Date.now();
    const cached = this.#prepared;
    if (cached && now - cached.at < this.#refreshMs && cached.value.dispatcher === this.#dispatcher?.stream)
      return cached.value;
    const resolved = resolveSpoke(kc);
    const { tls, proxyUrl } = resolved;
    const connect = {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: tls.servername,
      rejectUnauthorized: tls.rejectUnauthorized,
    };
    const key = [
      cluster.server,
      proxyUrl ?? '',
      fingerprint(tls.ca),
      fingerprint(tls.cert),
      fingerprint(tls.key),
      String(tls.rejectUnauthorized),
      tls.servername ?? '',
    ].join('|');
    const dispatcher = await this.dispatcherFor({
      key,
      create: () => {
        if (proxyUrl) return single(new ProxyAgent({ uri: proxyUrl, requestTls: connect, allowH2: false }));
        const stream = new Agent({ connect, allowH2: false });
        return { stream, unary: this.#http2 ? new Agent({ connect, allowH2: true }) : stream };
      },
    });
    const prepared = target(cluster.server, resolved.headers, dispatcher);
    this.#prepared = { at: now, value: prepared };
    return prepared;
  }

  private async prepareClientNode(kc: ClientNodeKubeConfig): Promise<PreparedTransport> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new Error(`kubeconfig context ${JSON.stringify(kc.getCurrentContext())} names no cluster`);
    }
    const options: RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (options.auth) headers['Authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    const agentOptions: AgentOptions = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      pfx: options.pfx,
      passphrase: options.passphrase,
      servername: options.servername,
    };
    if (options.rejectUnauthorized !== undefined)
      agentOptions.rejectUnauthorized = options.rejectUnauthorized;
    const plan = kc.createDispatcherOptions(cluster, agentOptions);
    const server = cluster.server;
    const key = [
      server,
      plan.type,
      'uri' in plan ? plan.uri : '',
      fingerprint(options.ca),
      fingerprint(options.cert),
      fingerprint(options.key),
      String(options.rejectUnauthorized),
      options.servername ?? '',
    ].join('|');
    const dispatcher = await this.dispatcherFor({
      key,
      create: () => {
        switch (plan.type) {
          case 'none':
            return single(new Agent({ allowH2: false }));
          case 'agent':
            return single(new Agent({ connect: plan.connect, allowH2: false }));
          case 'proxy':
            return single(
              new ProxyAgent({
                uri: plan.uri,
                requestTls: plan.requestTls,
                connect: plan.connect,
                allowH2: false,
              }),
            );
          case 'socks':
            return socksDispatcher(kc, server, cluster.name).then(single);
        }
      },
    });
    return target(server, headers, dispatcher);
  }

  private async dispatcherFor(plan: PoolPlan): Promise<Pools> {
    if (plan.key === this.#dispatcherKey && this.#dispatcher) return this.#dispatcher;
    // Synchronous when it can be, so that concurrent first requests share one pool instead of closing each other's.
    const created = plan.create();
    const next = created instanceof Promise ? await created : created;
    if (created instanceof Promise && plan.key === this.#dispatcherKey && this.#dispatcher) {
      void closePools(next).catch(() => undefined);
      return this.#dispatcher;
    }
    const previous = this.#dispatcher;
    this.#dispatcher = next;
    this.#dispatcherKey = plan.key;
    // Rotated credentials: retire the old pool once its requests are done.
    if (previous) void closePools(previous).catch(() => undefined);
    return next;
  }

  /** client-node's KubeConfig for the same content, built once; its import is the price of a plugin only. */
  private delegate(kc: KubeConfig): Promise<ClientNodeKubeConfig> {
    this.#delegate ??= import('@kubernetes/client-node').then((clientNode) => {
      const delegate = new clientNode.KubeConfig();
      delegate.loadFromOptions({
        clusters: kc.clusters,
        users: kc.users,
        contexts: kc.contexts,
        currentContext: kc.currentContext,
      });
      return delegate;
    });
    return this.#delegate;
  }
}

/** client-node's SOCKS connector is not exported: let it build the dispatcher once, then reuse it. */
async function socksDispatcher(
  kc: ClientNodeKubeConfig,
  server: string,
  cluster: string,
): Promise<Dispatcher> {
  const { HttpMethod, RequestContext } = await import('@kubernetes/client-node');
  const ctx = new RequestContext(server, HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  const built = ctx.getDispatcher();
  if (!built) throw new Error(`kubeconfig cluster ${cluster}: no SOCKS dispatcher`);
  return built;
}

/** Exec and auth-provider plugins and SOCKS proxies are client-node's business. */
function needsClientNode(kc: KubeConfig): boolean {
  const user = kc.getCurrentUser();
  if (user?.exec || user?.authProvider) return true;
  return kc.getCurrentCluster()?.proxyUrl?.startsWith('socks') ?? false;
}

function target(server: string, headers: Record<string, string>, pools: Pools): PreparedTransport {
  const trimmed = server.replace(/\/+$/, '');
  const url = new URL(trimmed);
  return {
    server: trimmed,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    host: url.host,
    headers,
    dispatcher: pools.stream,
    unaryDispatcher: pools.unary,
  };
}

/** Reads a Spoke kubeconfig's credentials (files included) into headers and TLS options. */
function resolveSpoke(kc: KubeConfig): Resolved {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new Error(`kubeconfig context ${JSON.stringify(kc.currentContext)} names no cluster`);
  const tls: AgentOptions = {};
  const ca = material(cluster.caData, cluster.caFile, `cluster ${cluster.name}: certificate-authority`);
  if (ca) tls.ca = ca;
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  const headers: Record<string, string> = {};
  if (user) {
    const cert = material(user.certData, user.certFile, `user ${user.name}: client-certificate`);
    const key = material(user.keyData, user.keyFile, `user ${user.name}: client-key`);
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    let token = user.token;
    if (!token && user.tokenFile) {
      token = readCredentialFile(user.tokenFile, `user ${user.name}: tokenFile`).toString('utf8').trim();
    }
    if (token) headers['Authorization'] = `Bearer ${token}`;
    else if (user.username !== undefined && user.password !== undefined)
      headers['Authorization'] =
        `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    if (user.impersonateUser) headers['Impersonate-User'] = user.impersonateUser;
  }
  return { headers, tls, proxyUrl: cluster.proxyUrl };
}

function material(data: string | undefined, file: string | undefined, what: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readCredentialFile(file, what);
  return undefined;
}

function readCredentialFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === 'string' ? ` (${code})` : '';
    throw new Error(`kubeconfig ${what} file ${file} cannot be read${reason}`, {
      cause: err,
    });
  }
}
