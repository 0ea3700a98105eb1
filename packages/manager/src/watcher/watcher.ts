import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { ResourceKind } from '../kinds/resource-kind.js';
import { actionOf } from '../rest/rest-client.js';
import {
  RestListWatchSource,
  type ListRequest,
  type ListResponse,
  type ListWatchSource,
  type WatchLines,
} from './list-watch-source.js';
import { transition, type WatcherInput, type WatcherState, type WatcherStep } from './watcher-state.js';
import { defaultWatchBackoff, type Backoff } from './backoff.js';
import type { WatcherEvent } from './watcher-event.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { isAborted, sleep } from '../internal/signal/sleep.js';

/** How a watcher talks to the API server; every field has a default that suits a controller. */
export interface WatcherTuning {
  /** Objects per LIST page. Default 500, as client-go: big lists are fetched in bounded chunks. */
  readonly pageSize?: number;
  /**
   * Delays between failed requests. Default {@link defaultWatchBackoff} (800 ms → 30 s, jitter, reset after 2 min).
   * One instance per watcher: it keeps the attempt count.
   */
  readonly backoff?: Backoff;
  /**
   * A watch that sends nothing (no event, no bookmark) for this long is presumed dead and reopened from the last
   * resourceVersion. Default 180 s: the API server sends a bookmark about once a minute on a healthy watch.
   */
  readonly inactivityTimeoutMs?: number;
  /**
   * The server ends each watch after a random `timeoutSeconds` between this and twice this, as client-go does, so
   * watches of many clients do not all reconnect at once. Default 300 s.
   */
  readonly minWatchTimeoutSeconds?: number;
  /**
   * How long a LIST page, or the wait for a watch's response headers, may take before the request is abandoned and
   * retried. Default 60 s: far above a healthy API server's answer, far below undici's 300 s, so a connection that
   * died silently is noticed in a minute.
   */
  readonly requestTimeoutMs?: number;
  /**
   * Get the initial state by streaming list (WatchList: one WATCH with `sendInitialEvents=true`,
   * `resourceVersionMatch=NotOlderThan` and bookmarks) instead of a paginated LIST: the server streams objects one
   * by one from its watch cache instead of building each page in memory, and the client parses them one at a time.
   * Where the server refuses it (kube-apiserver before 1.27, or 1.27–1.33 without the `WatchList` feature gate,
   * which is off by default there), the watcher falls back to the paginated LIST, once and for good. Default false:
   * on kube-apiserver 1.33 as installed, the gate is off, and each informer would spend a refused request first.
   */
  readonly streamingList?: boolean;
}

/** Narrows one LIST+WATCH: each distinct combination is its own pair of requests. */
export interface ListWatchOptions {
  /** Watch one namespace; default: all namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Watch only metadata (PartialObjectMetadata), to keep memory down for kinds with large bodies. Default false. */
  readonly metadataOnly?: boolean;
}

/** What every watcher has, whichever {@link ListWatchSource} it reads. */
interface WatcherBaseOptions<T extends KubernetesObject> extends WatcherTuning, ListWatchOptions {
  readonly kind: ResourceKind<T>;
  /** Told about each failure the watcher recovers from (with the verb and kind in the message). Default: ignored. */
  readonly onError?: (error: Error) => void;
  /** A monotonic clock in ms, to time watches; default `performance.now`. */
  readonly now?: () => number;
}

/**
 * What to watch: a kind, narrowed by {@link ListWatchOptions} (namespace, selectors, metadataOnly; metadata-only
 * objects keep the kind's `apiVersion` and `kind`), at the API server of `kubeConfig`, or from a `source` (a unit
 * test's scripted lists and watches; the kind, namespace and tuning then only shape requests and messages).
 */
export type WatcherOptions<T extends KubernetesObject> = WatcherBaseOptions<T> &
  (
    | { readonly kubeConfig: KubeConfigLike; readonly source?: undefined }
    | { readonly source: ListWatchSource; readonly kubeConfig?: undefined }
  );

/** Where a watcher is, coarsely, for health reporting. */
export type WatcherPhase = 'Pending' | 'Listing' | 'Watching' | 'Backoff' | 'Stopped';

/**
 * Turns LIST+WATCH of one kind into a stream of {@link WatcherEvent}s, and nothing more (kube-rs's `watcher`): it
 * paginates the list (or streams it, with {@link WatcherTuning.streamingList}), watches with bookmarks from the list's resourceVersion, resumes from the last resourceVersion
 * after a disconnect or a silent stream, and relists after 410 Gone. Errors never end the stream; they are retried
 * after the backoff and reported to `onError`.
 */
export class Watcher<T extends KubernetesObject> {
  readonly kind: ResourceKind<T>;
  readonly #options: WatcherOptions<T>;
  readonly #source: ListWatchSource;
  readonly #backoff: Backoff;
  #phase: WatcherPhase = 'Pending';
  #state: WatcherState = { phase: 'Empty' };
  /** Whether the next full list is a streaming one; false for good once the server refused one. */
  #streamingList: boolean;

  constructor(options: WatcherOptions<T>) {
    this.kind = options.kind;
    this.#options = options;
    this.#source =
      options.source ??
      new RestListWatchSource({
        kubeConfig: options.kubeConfig,
        kind: options.kind,
        namespace: options.namespace,
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        metadataOnly: options.metadataOnly,
        requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      });
    this.#backoff = options.backoff ?? defaultWatchBackoff();
    this.#streamingList = options.streamingList ?? false;
  }

  get phase(): WatcherPhase {
    return this.#phase;
  }

  /** The state machine's current state (see {@link WatcherState}). */
  get state(): WatcherState {
    return this.#state;
  }

  /** Lists and watches until `signal` aborts; each call starts over from an empty state. */
  async *events(signal: AbortSignal): AsyncGenerator<WatcherEvent<T>, void, undefined> {
    let stream: WatchLines | undefined;
    let openedAt = 0;
    const now = this.#options.now ?? (() => performance.now());
    this.#state = { phase: 'Empty' };
    try {
      while (!signal.aborted) {
        // A full list is needed: by streaming list, where the server serves it, unless it must be one response.
        if (this.#state.phase === 'Empty' && this.#streamingList && this.#state.unpaginated !== true) {
          this.#state = { phase: 'InitStream' };
        }
        const state: WatcherState = this.#state;
        let input: WatcherInput;
        switch (state.phase) {
          case 'Empty':
          case 'InitPage':
            this.#phase = 'Listing';
            input = await this.listPage(
              state.phase === 'InitPage'
                ? { limit: this.#options.pageSize ?? 500, continueToken: state.continueToken }
                : { limit: state.unpaginated ? undefined : (this.#options.pageSize ?? 500) },
              signal,
            );
            break;
          case 'InitListed': {
            const opened = await this.openWatch(state.resourceVersion, signal);
            if ('next' in opened) {
              // Watching means the server accepted the watch, not that we asked for one.
              this.#phase = 'Watching';
              stream = opened;
              openedAt = now();
              input = { type: 'WatchStarted' };
            } else {
              input = opened;
            }
            break;
          }
          case 'InitStream': {
            this.#phase = 'Listing';
            const opened = await this.openWatch('', signal, true);
            if ('next' in opened) {
              stream = opened;
              openedAt = now();
              input = { type: 'WatchStarted' };
            } else {
              input = opened;
            }
            break;
          }
          case 'Streaming':
          case 'Watching':
            if (!stream) throw new Error(`watcher is ${state.phase} without an open stream`);
            input = await this.readEvent(stream, () => now() - openedAt);
            break;
        }
        // The request may have ended because we were stopped; then its outcome means nothing.
        if (isAborted(signal)) break;
        const step: WatcherStep<T> = transition<T>(state, input, this.action('watch'));
        if (step.streamingListUnsupported) this.#streamingList = false;
        if (step.state.phase !== 'Watching' && step.state.phase !== 'Streaming' && stream) {
          stream.close();
          stream = undefined;
        }
        this.#state = step.state;
        // A streaming list's stream goes on as the watch once its initial events end.
        if (step.state.phase === 'Watching') this.#phase = 'Watching';
        for (const event of step.events) yield this.withKindOf(event);
        if (step.error !== undefined) this.report(state, step);
        if (step.backoff) {
          this.#phase = 'Backoff';
          await sleep(this.#backoff.next(), signal);
        }
      }
    } finally {
      stream?.close();
      this.#phase = 'Stopped';
    }
  }

  private async listPage(request: ListRequest, signal: AbortSignal): Promise<WatcherInput> {
    try {
      const body: ListResponse = await this.#source.list(request, signal);
      const items = body.items ?? [];
      const resourceVersion = body.metadata?.resourceVersion ?? '';
      const next = body.metadata?.continue;
      return next
        ? { type: 'ListPage', items, resourceVersion, continueToken: next }
        : { type: 'ListPage', items, resourceVersion };
    } catch (error) {
      return { type: 'ListFailed', error };
    }
  }

  private async openWatch(
    resourceVersion: string,
    signal: AbortSignal,
    sendInitialEvents = false,
  ): Promise<WatchLines | WatcherInput> {
    const minTimeout = this.#options.minWatchTimeoutSeconds ?? 300;
    try {
      const timeoutSeconds = Math.floor(minTimeout * (1 + Math.random()));
      return await this.#source.watch(
        sendInitialEvents
          ? { resourceVersion, timeoutSeconds, sendInitialEvents }
          : { resourceVersion, timeoutSeconds },
        signal,
      );
    } catch (error) {
      return { type: 'WatchFailed', error };
    }
  }

  private async readEvent(stream: WatchLines, openForMs: () => number): Promise<WatcherInput> {
    const timeoutMs = this.#options.inactivityTimeoutMs ?? 180_000;
    try {
      const read = await stream.next(timeoutMs);
      if (read.type === 'end') return { type: 'WatchClosed', openForMs: openForMs() };
      if (read.type === 'silent') {
        return {
          type: 'WatchBroken',
          error: new Error(`${this.action('watch')}: no event or bookmark for ${timeoutMs} ms; reconnecting`),
        };
      }
      // Unchecked: the state machine skips what is not a watch event it can apply.
      const event: unknown = JSON.parse(read.line);
      return { type: 'WatchEvent', event };
    } catch (error) {
      const why = errorMessage(error);
      return {
        type: 'WatchBroken',
        error: new Error(`${this.action('watch')}: stream broke: ${why}`, { cause: error }),
      };
    }
  }

  /** List items carry no apiVersion/kind, and metadata-only objects carry PartialObjectMetadata's: set the kind's. */
  private withKindOf(event: WatcherEvent<T>): WatcherEvent<T> {
    if ('object' in event) {
      event.object.apiVersion = this.kind.apiVersion;
      event.object.kind = this.kind.kind;
    }
    return event;
  }

  private action(verb: string): string {
    const namespace = this.kind.namespaced ? this.#options.namespace : undefined;
    return actionOf({ verb, method: 'GET', kind: this.kind, namespace });
  }

  /** Tells `onError` what failed and what happens next. */
  private report(from: WatcherState, step: WatcherStep<T>): void {
    const message = errorMessage(step.error);
    let next = step.backoff ? '; retrying after backoff' : '';
    // Into Empty from elsewhere is a relist; a list that failed and stays Empty is retried, as any request.
    if (step.streamingListUnsupported) {
      next = '; the server does not serve streaming lists: listing by pages instead';
    } else if (step.state.phase === 'Empty' && from.phase !== 'Empty') {
      if (step.state.unpaginated) next = '; listing everything in one response instead';
      else next = step.backoff ? '; relisting after backoff' : '; relisting';
    }
    this.#options.onError?.(new Error(`${message}${next}`, { cause: step.error }));
  }
}
