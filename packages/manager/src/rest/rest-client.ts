import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import { apiErrorFromResponse } from '../apierrors/api-error-from-response.js';
import { HttpTransport, type HttpTransportOptions } from './http-transport.js';
import { observeRequest } from './request-metrics.js';
import {
  describeTarget,
  resourcePath,
  withQuery,
  type QueryParams,
  type ResourceLocation,
} from './resource-path.js';

/**
 * The deadline of a request that names none, 30 s. client-go sets none by default, but a connection that accepts a
 * request and never answers (a half-open TCP connection, a wedged proxy) would otherwise hold a controller's worker
 * for undici's 300 s header timeout; a healthy API server answers any non-watch request well within 30 s (its own
 * `--request-timeout` is 60 s, and an uncached list is paged).
 */
export const defaultRequestTimeoutMs = 30_000;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request against a kind's REST tree. */
export interface RestRequest extends ResourceLocation {
  /** The verb errors name: `get`, `list`, `watch`, `create`, `update`, `patch`, `apply`, `delete`. */
  readonly verb: string;
  readonly method: HttpMethod;
  readonly kind: ResourceKind;
  readonly query?: QueryParams;
  /** Sent as JSON (JSON is also valid YAML, so server-side apply takes it too). */
  readonly body?: unknown;
  /** Default `application/json`. */
  readonly contentType?: string;
  /** Default `application/json`. */
  readonly accept?: string;
  /** Aborts the request; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** How errors name this request when the path alone would not (a create names the object, not the collection). */
  readonly action?: string;
  /**
   * Give up with a {@link TimeoutError} when no complete response arrives in this time. For
   * {@link RestClient.request} default {@link defaultRequestTimeoutMs}, 0 for none; for {@link RestClient.stream}
   * it covers the response headers only (the body of a watch is meant to last), default none.
   */
  readonly timeoutMs?: number;
}

/** An open streaming response (a watch): read `body` (a Node stream of Buffers), call `close()` to end it early. */
export interface OpenStream {
  readonly body: Readable;
  close(): void;
}

type Response = Dispatcher.ResponseData;

/**
 * Options of a {@link RestClient}: `credentialRefreshMs`, how long a `tokenFile` or certificate file read is reused
 * (default 60 s, as client-go's cached file token source).
 */
export type RestClientOptions = HttpTransportOptions;

const clients = new WeakMap<KubeConfigLike, RestClient>();

/**
 * The one way Spoke talks to the API server: builds paths from a {@link ResourceKind}, applies the kubeconfig's
 * auth and TLS, counts every request in `rest_client_requests_total`, times it in
 * `rest_client_request_duration_seconds`, and turns refusals into `ApiError`s that name the verb and the object.
 */
export class RestClient {
  readonly #transport: HttpTransport;

  constructor(kubeConfig: KubeConfigLike, options: RestClientOptions = {}) {
    this.#transport = new HttpTransport(kubeConfig, options);
  }

  /** The shared client of a kubeconfig, so the cache and every client reuse one connection pool. */
  static for(kubeConfig: KubeConfigLike): RestClient {
    let client = clients.get(kubeConfig);
    if (!client) {
      client = new RestClient(kubeConfig);
      clients.set(kubeConfig, client);
    }
    return client;
  }

  /**
   * Sends the request and returns the decoded JSON body (`undefined` for an empty body). The deadline
   * (`timeoutMs`, default {@link defaultRequestTimeoutMs}) covers the whole exchange, body included.
   */
  async request<R>(req: RestRequest): Promise<R> {
    const timeoutMs = req.timeoutMs ?? defaultRequestTimeoutMs;
    const deadline = new AbortController();
    // A plain timer rather than AbortSignal.timeout: the reason names the request, and tests can mock it.
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            deadline.abort(new TimeoutError(`${actionOf(req)}: no response within ${timeoutMs} ms`));
          }, timeoutMs)
        : undefined;
    const signal = req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal;
    let response: Response;
    let text: string;
    // Aborted by the caller or by the deadline: the signal's reason says which (a TimeoutError names the request).
    try {
      try {
        response = await this.send({ ...req, signal, timeoutMs: undefined }, false);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw err;
      }
      try {
        text = await response.body.text();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw new Error(`${actionOf(req)}: reading the response failed: ${describeCause(err)}`, {
          cause: err,
        });
      }
    } finally {
      clearTimeout(timer);
    }
    if (!isOk(response)) throw apiErrorFromResponse(actionOf(req), response.statusCode, text);
    if (text === '') return undefined as R;
    try {
      return JSON.parse(text) as R;
    } catch (err) {
      throw new Error(`${actionOf(req)}: the server sent a body that is not JSON`, { cause: err });
    }
  }

  /** Opens a streaming request (a watch); rejects with an `ApiError` unless the server answers 200. */
  async stream(req: RestRequest): Promise<OpenStream> {
    const abort = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, abort.signal]) : abort.signal;
    // The timeout covers the wait for headers only: the body of a watch is meant to last.
    const timer =
      req.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            abort.abort(new TimeoutError(`${actionOf(req)}: no response within ${req.timeoutMs} ms`));
          }, req.timeoutMs);
    let response: Response;
    try {
      response = await this.send({ ...req, signal, timeoutMs: undefined }, true);
    } finally {
      clearTimeout(timer);
    }
    if (response.statusCode !== 200) {
      let text = '';
      try {
        text = await response.body.text();
      } catch {
        // The status says enough.
      }
      throw apiErrorFromResponse(actionOf(req), response.statusCode, text);
    }
    const body = response.body;
    return {
      body,
      close: () => {
        abort.abort();
        body.destroy();
      },
    };
  }

  /** Closes idle connections; for tests and process shutdown. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Sends `req` (its `timeoutMs` is the callers' business: they fold it into `signal`). */
  private async send(req: RestRequest, streaming: boolean): Promise<Response> {
    const action = actionOf(req);
    const signal = req.signal;
    const transport = await this.#transport.prepare();
    const path = transport.basePath + withQuery(resourcePath(req.kind, req), req.query);
    const headers: Record<string, string> = {
      ...transport.headers,
      Accept: req.accept ?? 'application/json',
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['Content-Type'] = req.contentType ?? 'application/json';
    }
    let response: Response;
    const started = performance.now();
    const observe = (code: string): void => {
      observeRequest({
        method: req.method,
        host: transport.host,
        code,
        durationSeconds: (performance.now() - started) / 1000,
      });
    };
    try {
      // The dispatcher API, not fetch(): no WHATWG Request/Response/web streams per call.
      const dispatcher = streaming ? transport.dispatcher : transport.unaryDispatcher;
      response = await dispatcher.request({
        origin: transport.origin,
        path,
        method: req.method,
        headers,
        body,
        signal,
      });
    } catch (err) {
      // client-go's label for a request that got no HTTP status.
      observe('<error>');
      // The signal's reason: the caller's, or a TimeoutError naming the request.
      if (signal?.aborted) throw signal.reason;
      throw new Error(`${action}: request to ${transport.host} failed: ${describeCause(err)}`, {
        cause: err,
      });
    }
    observe(String(response.statusCode));
    return response;
  }
}

function isOk(response: Response): boolean {
  return response.statusCode >= 200 && response.statusCode < 300;
}

/** A request that got no response in its `timeoutMs`. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** `update apps/v1 Deployment default/web`: the start of every error message about this request. */
export function actionOf(req: RestRequest): string {
  return req.action ?? `${req.verb} ${describeTarget(req.kind, req)}`;
}

function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
