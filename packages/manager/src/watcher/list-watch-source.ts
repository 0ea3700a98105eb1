import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import { RestClient, type RestRequest } from '../rest/rest-client.js';
import { WatchStream, type StreamRead } from './watch-stream.js';

/** Accept header for a metadata-only LIST: the server answers with a PartialObjectMetadataList. */
const metadataListAccept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
/** Accept header for a metadata-only WATCH: each event carries a PartialObjectMetadata. */
const metadataWatchAccept = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** One LIST request of a {@link ListWatchSource}. */
export interface ListRequest {
  /** Objects per page; absent: everything in one response (the pager's fallback after an expired continue token). */
  readonly limit?: number;
  /** The previous page's continue token. */
  readonly continueToken?: string;
}

/** A LIST response, as the server sends it. */
export interface ListResponse {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  /** Unchecked JSON: the watcher validates each item. */
  readonly items?: readonly unknown[];
}

/** One WATCH request of a {@link ListWatchSource}. */
export interface WatchRequest {
  /** Where the watch starts; with `sendInitialEvents`, the oldest state the initial events may show ('' for any). */
  readonly resourceVersion: string;
  /**
   * A streaming list (WatchList): the server first sends the current state as ADDED events, then a bookmark
   * annotated `k8s.io/initial-events-end`, then changes, as a watch does.
   */
  readonly sendInitialEvents?: boolean;
  /** The server ends the watch after this long. */
  readonly timeoutSeconds: number;
}

/** An open watch: its newline-delimited JSON lines, read one at a time. */
export interface WatchLines {
  /** The next line, the end of the stream, or `silent` when nothing arrived within `inactivityTimeoutMs`. */
  next(inactivityTimeoutMs: number): Promise<StreamRead>;
  /** Ends the watch; idempotent. */
  close(): void;
}

/**
 * Where a {@link Watcher} gets its lists and watches: the I/O half of client-go's ListerWatcher. Both methods
 * reject when the request fails (an `ApiError` for a refusal). The default talks to the API server; a unit test of
 * the watcher's driver passes a scripted one.
 */
export interface ListWatchSource {
  list(request: ListRequest, signal: AbortSignal): Promise<ListResponse>;
  watch(request: WatchRequest, signal: AbortSignal): Promise<WatchLines>;
}

/** What {@link RestListWatchSource} lists and watches, and how long a request may take. */
export interface RestListWatchOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfigLike;
  readonly kind: ResourceKind<T>;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly metadataOnly?: boolean;
  /** Bound of a LIST, and of the wait for a watch's response headers. */
  readonly requestTimeoutMs: number;
}

/** LIST and WATCH of one kind at the API server, through the kubeconfig's shared {@link RestClient}. */
export class RestListWatchSource<T extends KubernetesObject> implements ListWatchSource {
  readonly #options: RestListWatchOptions<T>;
  readonly #rest: RestClient;

  constructor(options: RestListWatchOptions<T>) {
    this.#options = options;
    this.#rest = RestClient.for(options.kubeConfig);
  }

  list(request: ListRequest, signal: AbortSignal): Promise<ListResponse> {
    const { labelSelector, fieldSelector, metadataOnly } = this.#options;
    return this.#rest.request<ListResponse>(
      this.request(
        'list',
        signal,
        { limit: request.limit, continue: request.continueToken, labelSelector, fieldSelector },
        metadataOnly ? metadataListAccept : undefined,
      ),
    );
  }

  async watch(request: WatchRequest, signal: AbortSignal): Promise<WatchLines> {
    const { labelSelector, fieldSelector, metadataOnly } = this.#options;
    const open = await this.#rest.stream(
      this.request(
        'watch',
        signal,
        {
          watch: true,
          allowWatchBookmarks: true,
          resourceVersion: request.resourceVersion,
          ...(request.sendInitialEvents
            ? { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }
            : {}),
          timeoutSeconds: request.timeoutSeconds,
          labelSelector,
          fieldSelector,
        },
        metadataOnly ? metadataWatchAccept : undefined,
      ),
    );
    return new WatchStream(open);
  }

  private request(
    verb: string,
    signal: AbortSignal,
    query: RestRequest['query'],
    accept: string | undefined,
  ): RestRequest {
    const { kind } = this.#options;
    const namespace = kind.namespaced ? this.#options.namespace : undefined;
    const timeoutMs = this.#options.requestTimeoutMs;
    return { verb, method: 'GET', kind, namespace, query, accept, signal, timeoutMs };
  }
}
