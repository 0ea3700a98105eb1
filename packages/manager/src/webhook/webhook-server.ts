import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import type { Logger } from 'winston';
import { CertWatcher } from '../certwatcher/cert-watcher.js';
import type { Checker } from '../healthz/checker.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { generateSelfSignedCertificate } from '../metrics/server/self-signed-certificate.js';
import { webhookLatency, webhookRequestsInFlight, webhookRequestsTotal } from '../metrics/webhook-metrics.js';
import { runDefaulter, runValidator } from './admission.js';
import { conversionKey, convert } from './conversion.js';
import {
  admissionReviewResponse,
  BadReviewError,
  decodeAdmissionReview,
  decodeConversionReview,
  type AdmissionRequest,
  type AdmissionResponse,
} from './review.js';
import type { AdmissionContext, WebhookDeclaration } from './webhook-declaration.js';

/** Where and how the manager serves its webhooks (`ManagerOptions.webhookServer`); every field has a default. */
export interface WebhookServerOptions {
  /** The address to listen on. Default all interfaces (the API server calls through a Service). */
  readonly host?: string;
  /** Default 9443, as controller-runtime and kubebuilder's Service; 0 picks a free port. */
  readonly port?: number;
  /**
   * The directory holding the serving certificate and key (a mounted cert-manager Secret), reloaded when they
   * change. Default `<os.tmpdir()>/k8s-webhook-server/serving-certs`, as controller-runtime.
   */
  readonly certDir?: string;
  /** Default `tls.crt`. */
  readonly certName?: string;
  /** Default `tls.key`. */
  readonly keyName?: string;
  /**
   * Only for local runs (`make run`): when `certDir` holds no certificate, write a self-signed one for `localhost`
   * and `127.0.0.1` there. Default false: a missing certificate fails `start()`, as a cluster deployment must mount one.
   */
  readonly selfSigned?: boolean;
  /** How often the certificate files are read again besides file-system events. Default 10 s (controller-runtime's). */
  readonly certPollIntervalMs?: number;
  /**
   * The largest review body read; a larger one gets 400. Default 7 MiB, as controller-runtime: an AdmissionReview
   * holds the object twice (old and new), each up to the API server's 3 MiB request limit, plus the envelope.
   */
  readonly maxRequestBytes?: number;
  /** On stop, how long requests in flight may take to be answered before their connections are closed. Default 10 s. */
  readonly shutdownTimeoutMs?: number;
}

/** Default of {@link WebhookServerOptions.maxRequestBytes}: 7 MiB. */
export const defaultMaxRequestBytes = 7 * 1024 * 1024;

/** Default of {@link WebhookServerOptions.certDir}. */
export function defaultWebhookCertDir(): string {
  return join(tmpdir(), 'k8s-webhook-server', 'serving-certs');
}

const minVersion = 'TLSv1.2';

type Route =
  | {
      readonly type: 'mutating' | 'validating';
      readonly declaration: WebhookDeclaration;
      readonly timeoutMs: number;
    }
  | { readonly type: 'conversion' };

/**
 * The manager's HTTPS server for admission and conversion webhooks, as controller-runtime's `webhook.Server`: one
 * path per admission webhook (kubebuilder's `/mutate-...`, `/validate-...`) and `/convert` for every kind with
 * spokes. It runs on every replica (the API server calls any of them through the Service), not only the leader.
 */
export class WebhookServer {
  readonly #options: WebhookServerOptions;
  readonly #logger: Logger;
  readonly #routes = new Map<string, Route>();
  readonly #conversions = new Map<string, WebhookDeclaration>();
  readonly #stop = new AbortController();
  #server: Server | undefined;
  #watcher: CertWatcher | undefined;
  #serving = false;
  #stopping: Promise<void> | undefined;
  #inFlight = 0;
  #idle: (() => void) | undefined;
  #url: string | undefined;

  constructor(options: WebhookServerOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
  }

  /** Whether any webhook is registered: the manager starts the server only then. */
  get hasWebhooks(): boolean {
    return this.#routes.size > 0;
  }

  /** The registered paths. */
  get paths(): readonly string[] {
    return [...this.#routes.keys()];
  }

  /** e.g. `https://127.0.0.1:9443` once started (a wildcard bind is reported as 127.0.0.1). */
  get url(): string | undefined {
    return this.#url;
  }

  /** Whether the server accepts connections now. */
  get serving(): boolean {
    return this.#serving;
  }

  /** The certificate (PEM) served to new connections now. */
  get certificate(): string | undefined {
    return this.#watcher?.current.cert;
  }

  /**
   * Adds a declaration's webhooks. Throws when the server has started, when another declaration has one of its paths,
   * or when another declaration already converts the same group and kind.
   */
  register(declaration: WebhookDeclaration): void {
    if (this.#server) throw new Error('register webhooks before the webhook server starts');
    const added: [string, Route][] = [];
    const timeoutMs = (seconds: number): number => seconds * 1000;
    if (declaration.mutating)
      added.push([
        declaration.mutating.path,
        { type: 'mutating', declaration, timeoutMs: timeoutMs(declaration.mutating.timeoutSeconds) },
      ]);
    if (declaration.validating)
      added.push([
        declaration.validating.path,
        { type: 'validating', declaration, timeoutMs: timeoutMs(declaration.validating.timeoutSeconds) },
      ]);
    for (const [path] of added) {
      if (this.#routes.has(path)) throw new Error(`a webhook is already registered on ${path}`);
    }
    if (declaration.conversion) {
      const key = conversionKey(declaration.kind.group, declaration.kind.kind);
      if (this.#conversions.has(key))
        throw new Error(
          `a conversion is already registered for ${declaration.kind.kind} in group ${declaration.kind.group}`,
        );
      this.#conversions.set(key, declaration);
      this.#routes.set('/convert', { type: 'conversion' });
    }
    for (const [path, route] of added) this.#routes.set(path, route);
  }

  /** Loads (or, with `selfSigned`, makes) the certificate, starts watching it and listens; resolves once bound. */
  async start(): Promise<void> {
    if (this.#server) throw new Error('the webhook server was already started');
    if (this.#stopping) throw new Error('the webhook server was stopped');
    const certDir = this.#options.certDir ?? defaultWebhookCertDir();
    const certPath = join(certDir, this.#options.certName ?? 'tls.crt');
    const keyPath = join(certDir, this.#options.keyName ?? 'tls.key');
    if (this.#options.selfSigned && !(existsSync(certPath) && existsSync(keyPath))) {
      const pair = await generateSelfSignedCertificate();
      mkdirSync(certDir, { recursive: true });
      writeFileSync(keyPath, pair.key, { mode: 0o600 });
      writeFileSync(certPath, pair.cert);
      this.#logger.warn('webhook: wrote a self-signed certificate (for local runs only)', { cert: certPath });
    }
    let watcher: CertWatcher;
    try {
      watcher = CertWatcher.load({
        certPath,
        keyPath,
        logger: this.#logger,
        ...(this.#options.certPollIntervalMs === undefined
          ? {}
          : { pollIntervalMs: this.#options.certPollIntervalMs }),
        onChange: (pair) => {
          this.#server?.setSecureContext({ ...pair, minVersion });
          // Kept-alive connections would go on with the old certificate (the API server keeps them for 90 s):
          // idle ones are closed so the next call handshakes with the new one.
          this.#server?.closeIdleConnections();
        },
      });
    } catch (err: unknown) {
      throw new Error(
        `webhook server: cannot use the certificate ${certPath} and key ${keyPath} (mount them, or set selfSigned for a local run): ${errorMessage(err)}`,
        { cause: err },
      );
    }
    const server = createServer({ ...watcher.current, minVersion }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // handle() answers every failure itself; this is a last guard, so no request can crash the process.
        this.#logger.error('webhook: request failed', { error: errorMessage(err) });
        res.destroy();
      });
    });
    this.#server = server;
    this.#watcher = watcher;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port ?? 9443, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => {
      this.#logger.error('webhook server error', { error: err.message });
    });
    // A TLS handshake failure (a client that does not trust the certificate) is the client's problem.
    server.on('tlsClientError', (err) => {
      this.#logger.debug('webhook: TLS handshake failed', { error: err.message });
    });
    watcher.start();
    const bound = server.address() as AddressInfo;
    const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    this.#url = `https://${host === '[::]' || host === '0.0.0.0' ? '127.0.0.1' : host}:${bound.port}`;
    this.#serving = true;
    this.#logger.info('serving webhooks', { url: this.#url, paths: this.paths, cert: certPath });
  }

  /**
   * Stops accepting connections, lets the requests in flight be answered (up to `shutdownTimeoutMs`), then closes
   * every connection and aborts the handlers' signals. Safe to call more than once, and before start.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.stopOnce();
    return this.#stopping;
  }

  private async stopOnce(): Promise<void> {
    const server = this.#server;
    this.#serving = false;
    this.#watcher?.stop();
    if (!server) return;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    if (this.#inFlight > 0) {
      const drained = new Promise<void>((resolve) => (this.#idle = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        drained.then(() => false),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(resolve, this.#options.shutdownTimeoutMs ?? 10_000, true)),
        ),
      ]);
      clearTimeout(timer);
      if (timedOut)
        this.#logger.warn('webhook server: requests still in flight at the shutdown deadline', {
          inFlight: this.#inFlight,
        });
    }
    this.#stop.abort(new Error('the webhook server is stopping'));
    server.closeAllConnections();
    await closed;
    this.#logger.info('webhook server stopped');
  }

  /**
   * controller-runtime's `StartedChecker`: healthy once a TLS handshake with the server succeeds (it does not verify
   * the certificate: this is about serving, not about trust).
   */
  readonly startedChecker: Checker = async () => {
    const url = this.#url;
    if (!this.#serving || url === undefined) throw new Error('the webhook server is not serving');
    const { hostname, port } = new URL(url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect({
        host: hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(port),
        rejectUnauthorized: false,
        timeout: 5_000,
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`webhook server: no TLS handshake with ${url} within 5 s`));
      });
      socket.once('error', (err: Error) => {
        reject(new Error(`webhook server: cannot connect to ${url}: ${err.message}`));
      });
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'https://webhook').pathname;
    const route = this.#routes.get(path);
    if (route === undefined) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`no webhook is served on ${path}\n`);
      return;
    }
    this.#inFlight++;
    webhookRequestsInFlight.inc({ webhook: path });
    const endTimer = webhookLatency.startTimer({ webhook: path });
    let code = 500;
    try {
      code = await this.answer(path, route, req, res);
    } catch (err: unknown) {
      // Only a bug in the server itself gets here: the handlers' errors are answers already.
      this.#logger.error('webhook: answering failed', { webhook: path, error: errorMessage(err) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${errorMessage(err)}\n`);
    } finally {
      endTimer();
      webhookRequestsTotal.inc({ webhook: path, code: String(code) });
      webhookRequestsInFlight.dec({ webhook: path });
      this.#inFlight--;
      if (this.#inFlight === 0) this.#idle?.();
    }
  }

  /** Reads, decodes and answers one review; returns the HTTP status code sent. */
  private async answer(
    path: string,
    route: Route,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<number> {
    const bad = (message: string): number => {
      this.#logger.warn('webhook: bad request', { webhook: path, error: message });
      sendJson(res, 400, {
        ...(route.type === 'conversion'
          ? {
              apiVersion: 'apiextensions.k8s.io/v1',
              kind: 'ConversionReview',
              response: { uid: '', result: { status: 'Failure', message } },
            }
          : admissionReviewResponse({
              uid: '',
              allowed: false,
              status: { code: 400, reason: 'BadRequest', message },
            })),
      });
      return 400;
    };
    if (req.method !== 'POST') return bad(`expected a POST, got ${req.method ?? ''}`);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (contentType !== 'application/json')
      return bad(`contentType=${contentType ?? ''}, expected application/json`);
    const max = this.#options.maxRequestBytes ?? defaultMaxRequestBytes;
    const body = await readBody(req, max);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return bad(`the request body is larger than the limit of ${max} bytes`);
    }
    if (body.length === 0) return bad('the request body is empty');
    try {
      if (route.type === 'conversion') {
        const request = decodeConversionReview(body);
        const response = convert(this.#conversions, request);
        const log = {
          webhook: path,
          uid: request.uid,
          desiredAPIVersion: request.desiredAPIVersion,
          objects: request.objects.length,
        };
        if (response.result.status === 'Success') this.#logger.debug('webhook: converted', log);
        else this.#logger.warn('webhook: conversion failed', { ...log, error: response.result.message });
        sendJson(res, 200, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response });
        return 200;
      }
      const request = decodeAdmissionReview(body);
      const response = await this.admit(path, route, request, res);
      sendJson(res, 200, admissionReviewResponse(response));
      return 200;
    } catch (err: unknown) {
      if (err instanceof BadReviewError) return bad(err.message);
      throw err;
    }
  }

  private async admit(
    path: string,
    route: Extract<Route, { type: 'mutating' | 'validating' }>,
    request: AdmissionRequest,
    res: ServerResponse,
  ): Promise<AdmissionResponse> {
    const { info } = request;
    const log = {
      webhook: path,
      uid: info.uid,
      operation: info.operation,
      kind: request.kind.kind,
      ...(info.namespace === undefined ? {} : { namespace: info.namespace }),
      ...(info.name === undefined ? {} : { name: info.name }),
    };
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the API server closed the connection'));
    });
    const ctx: AdmissionContext = {
      request: info,
      signal: AbortSignal.any([this.#stop.signal, gone.signal, AbortSignal.timeout(route.timeoutMs)]),
    };
    const { handlers } = route.declaration;
    const response =
      route.type === 'mutating'
        ? handlers.defaulter
          ? await runDefaulter(handlers.defaulter, request, ctx)
          : { uid: info.uid, allowed: true }
        : handlers.validator
          ? await runValidator(handlers.validator, request, ctx)
          : { uid: info.uid, allowed: true };
    if (response.allowed) {
      this.#logger.debug('webhook: allowed', {
        ...log,
        patched: response.patch !== undefined,
        warnings: response.warnings?.length ?? 0,
      });
    } else if (response.status?.code === 500) {
      this.#logger.error('webhook: the handler failed', { ...log, error: response.status.message });
    } else {
      this.#logger.info('webhook: denied', {
        ...log,
        code: response.status?.code,
        reason: response.status?.reason,
        denial: response.status?.message,
      });
    }
    return response;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

/** The body, or undefined once it passes `max` bytes (the rest is read and discarded, so the 400 can be sent). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => {
      resolve(size > max ? undefined : Buffer.concat(chunks));
    });
    req.once('error', reject);
  });
}
