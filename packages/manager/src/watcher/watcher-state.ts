import type { KubernetesObject } from '@kubernetes/client-node';
import type { WatcherEvent } from './watcher-event.js';
import {
  apiErrorFromStatus,
  isResourceExpired,
  type StatusBody,
} from '../apierrors/api-error-from-response.js';
import { ApiError } from '../apierrors/api-error.js';

/**
 * Where a watcher is, as kube-rs's `watcher::State`. Each state names the one request to make next, so the driver
 * is a loop of "do what the state says, feed the outcome to {@link transition}".
 */
export type WatcherState =
  /**
   * Nothing listed (start, or after 410 Gone): next, LIST the first page; with `unpaginated`, LIST everything in
   * one response instead (after an expired continue token, as client-go's pager: a paginated list slower than the
   * API server's compaction would only expire again).
   */
  | { readonly phase: 'Empty'; readonly unpaginated?: true }
  /**
   * Nothing listed, and the initial state is to come by streaming list (WatchList): next, open a WATCH with
   * `sendInitialEvents=true`; the server sends every object as ADDED, then a bookmark marking the end of them.
   */
  | { readonly phase: 'InitStream' }
  /** A streaming list is open; `events` have arrived, the initial-events-end bookmark not yet: next, read an event. */
  | { readonly phase: 'Streaming'; readonly events: number }
  /** Part-way through a paginated LIST: next, LIST the page after `continueToken`. */
  | { readonly phase: 'InitPage'; readonly continueToken: string }
  /** Listed (or the watch dropped) at `resourceVersion`: next, open a WATCH from there. */
  | { readonly phase: 'InitListed'; readonly resourceVersion: string }
  /**
   * A WATCH is open; `resourceVersion` is the last one seen, `events` how many events (bookmarks included) this
   * stream has delivered: next, read an event.
   */
  | { readonly phase: 'Watching'; readonly resourceVersion: string; readonly events: number };

/**
 * One line of a watch stream, as the API server sends it. The watcher gets it as unchecked JSON: a type it does
 * not know, or an object without a name, is skipped and reported rather than trusted.
 */
export interface RawWatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: KubernetesObject | StatusBody;
}

/** The outcome of the request a state called for. */
export type WatcherInput =
  | {
      readonly type: 'ListPage';
      /** Unchecked JSON; items that are not objects with a name are skipped and reported. */
      readonly items: readonly unknown[];
      readonly resourceVersion: string;
      /** Set when more pages follow. */
      readonly continueToken?: string;
    }
  | { readonly type: 'ListFailed'; readonly error: unknown }
  | { readonly type: 'WatchStarted' }
  | { readonly type: 'WatchFailed'; readonly error: unknown }
  /** One parsed line of the stream, unchecked (see {@link RawWatchEvent}). */
  | { readonly type: 'WatchEvent'; readonly event: unknown }
  /** The server ended the stream cleanly (its `timeoutSeconds` elapsed, or a proxy cut it short) after `openForMs`. */
  | { readonly type: 'WatchClosed'; readonly openForMs: number }
  /** The connection broke, a line did not parse, or the stream went silent past the inactivity timeout. */
  | { readonly type: 'WatchBroken'; readonly error: unknown };

/** The next state, the events to emit, and whether to wait out the backoff before the next request. */
export interface WatcherStep<T extends KubernetesObject> {
  readonly state: WatcherState;
  readonly events: readonly WatcherEvent<T>[];
  readonly backoff: boolean;
  /** Why the step failed, or what it skipped, for the log; the watcher itself recovers. */
  readonly error?: unknown;
  /** The server refused a streaming list as a request it does not serve: list by pages from now on. */
  readonly streamingListUnsupported?: true;
}

/** The annotation of the bookmark that ends a streaming list's initial events. */
export const initialEventsEndAnnotation = 'k8s.io/initial-events-end';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object the store can file: a JSON object whose `metadata.name` is a non-empty string. */
function isNamedObject(value: unknown): value is KubernetesObject {
  if (!isRecord(value) || !isRecord(value.metadata)) return false;
  const name = value.metadata.name;
  return typeof name === 'string' && name !== '';
}

const empty: WatcherState = { phase: 'Empty' };

/**
 * A watch closed cleanly sooner than this without delivering an event is a failure, not a routine timeout (as
 * client-go's reflector): something between us and the API server is cutting watches short, and reopening at once
 * would make a hot loop of WATCH requests.
 */
export const shortWatchMs = 1000;

function resourceVersionOf(obj: unknown): string | undefined {
  if (!isRecord(obj) || !isRecord(obj.metadata)) return undefined;
  const resourceVersion = obj.metadata.resourceVersion;
  return typeof resourceVersion === 'string' && resourceVersion !== '' ? resourceVersion : undefined;
}

/**
 * The watcher's state machine, pure: given where it is and what the last request returned, where it goes next.
 * Every failure path is a transition here, so each one is visible and unit-tested.
 */
export function transition<T extends KubernetesObject>(
  state: WatcherState,
  input: WatcherInput,
  /** Names the watch in errors made from in-stream `ERROR` events, e.g. `watch v1 ConfigMap`. */
  action = 'watch',
): WatcherStep<T> {
  switch (state.phase) {
    case 'Empty':
    case 'InitPage':
      return fromListing(state, input, action);
    case 'InitListed':
      return fromListed(state, input);
    case 'Watching':
      return fromWatching(state, input, action);
    case 'InitStream':
      return fromInitStream(state, input);
    case 'Streaming':
      return fromStreaming(state, input, action);
  }
}

/**
 * A refusal that means "this server does not serve streaming lists" rather than "try again": 422 Invalid
 * (kube-apiserver ≥ 1.27 with the WatchList gate off: "sendInitialEvents is forbidden…") or 400 Bad Request.
 */
function refusesStreamingList(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.code === 422 || error.code === 400 || error.reason === 'Invalid')
  );
}

function fromInitStream<T extends KubernetesObject>(
  state: Extract<WatcherState, { phase: 'InitStream' }>,
  input: WatcherInput,
): WatcherStep<T> {
  switch (input.type) {
    case 'WatchStarted':
      // A new initial state begins: whatever an earlier, unfinished one buffered is superseded.
      return { state: { phase: 'Streaming', events: 0 }, events: [{ type: 'Init' }], backoff: false };
    case 'WatchFailed':
      // Not served here: fall back to a paginated LIST at once, and for good (the driver remembers).
      if (refusesStreamingList(input.error)) {
        return {
          state: empty,
          events: [],
          backoff: false,
          error: input.error,
          streamingListUnsupported: true,
        };
      }
      // Down, overloaded, forbidden: the same request again after the backoff.
      return { state, events: [], backoff: true, error: input.error };
    default:
      throw new Error(`watcher in InitStream got ${input.type}, which only follows a list request`);
  }
}

function fromStreaming<T extends KubernetesObject>(
  state: Extract<WatcherState, { phase: 'Streaming' }>,
  input: WatcherInput,
  action: string,
): WatcherStep<T> {
  const restart: WatcherState = { phase: 'InitStream' };
  switch (input.type) {
    case 'WatchEvent': {
      const event = input.event;
      const next: WatcherState = { phase: 'Streaming', events: state.events + 1 };
      if (!isRecord(event)) {
        const error = new Error(`${action}: skipped a watch event that is not an object`);
        return { state: next, events: [], backoff: false, error };
      }
      switch (event.type) {
        case 'ADDED':
        case 'MODIFIED': {
          if (!isNamedObject(event.object)) {
            const error = new Error(`${action}: skipped an initial event whose object has no metadata.name`);
            return { state: next, events: [], backoff: false, error };
          }
          return { state: next, events: [{ type: 'InitApply', object: event.object as T }], backoff: false };
        }
        case 'BOOKMARK': {
          const obj = isRecord(event.object) ? event.object : {};
          const metadata = isRecord(obj['metadata']) ? obj['metadata'] : {};
          const annotations = isRecord(metadata['annotations']) ? metadata['annotations'] : {};
          const resourceVersion = resourceVersionOf(obj);
          // Any other bookmark is progress within the initial events, which only their end makes usable.
          if (annotations[initialEventsEndAnnotation] !== 'true' || resourceVersion === undefined) {
            return { state: next, events: [], backoff: false };
          }
          // The initial state is complete at this resourceVersion, and the same stream goes on with changes.
          return {
            state: { phase: 'Watching', resourceVersion, events: state.events + 1 },
            events: [{ type: 'InitDone', resourceVersion }],
            backoff: false,
          };
        }
        case 'ERROR': {
          const status: StatusBody = isRecord(event.object) ? event.object : {};
          const error = apiErrorFromStatus(action, status.code ?? 500, status);
          return { state: restart, events: [], backoff: true, error };
        }
        default: {
          // DELETED before the end of the initial events (no server sends it), or a type this client does not know.
          const error = new Error(
            `${action}: skipped an initial event of type ${JSON.stringify(event.type)}`,
          );
          return { state: next, events: [], backoff: false, error };
        }
      }
    }
    case 'WatchClosed':
      return {
        state: restart,
        events: [],
        backoff: true,
        error: new Error(`${action}: streaming list ended before its initial-events-end bookmark`),
      };
    case 'WatchBroken':
      return { state: restart, events: [], backoff: true, error: input.error };
    default:
      throw new Error(`watcher in Streaming got ${input.type}, which only follows a watch request`);
  }
}

function fromListing<T extends KubernetesObject>(
  state: Extract<WatcherState, { phase: 'Empty' | 'InitPage' }>,
  input: WatcherInput,
  action: string,
): WatcherStep<T> {
  switch (input.type) {
    case 'ListPage': {
      const events: WatcherEvent<T>[] = state.phase === 'Empty' ? [{ type: 'Init' }] : [];
      let skipped = 0;
      for (const object of input.items) {
        if (isNamedObject(object)) events.push({ type: 'InitApply', object: object as T });
        else skipped++;
      }
      // Nothing without a name can be stored or read by key; the rest of the list is still the truth.
      const error =
        skipped === 0
          ? undefined
          : new Error(
              `${action}: skipped ${skipped} listed ${skipped === 1 ? 'item that is not an object' : 'items that are not objects'} with a metadata.name`,
            );
      // More pages: keep listing at the same snapshot.
      if (input.continueToken) {
        const next: WatcherState = { phase: 'InitPage', continueToken: input.continueToken };
        return error
          ? { state: next, events, backoff: false, error }
          : { state: next, events, backoff: false };
      }
      // Last page: the store can be swapped, and the watch starts where the list's snapshot ends.
      events.push({ type: 'InitDone', resourceVersion: input.resourceVersion });
      const listed: WatcherState = { phase: 'InitListed', resourceVersion: input.resourceVersion };
      return error
        ? { state: listed, events, backoff: false, error }
        : { state: listed, events, backoff: false };
    }
    case 'ListFailed':
      // An expired continue token (410): the snapshot is gone. Start over with one unpaginated list, at once.
      if (state.phase === 'InitPage' && isResourceExpired(input.error)) {
        return {
          state: { phase: 'Empty', unpaginated: true },
          events: [],
          backoff: false,
          error: input.error,
        };
      }
      // Anything else (server down, 403, 500): retry the same request after the backoff.
      return { state, events: [], backoff: true, error: input.error };
    default:
      throw new Error(`watcher in ${state.phase} got ${input.type}, which only follows a watch request`);
  }
}

function fromListed<T extends KubernetesObject>(
  state: Extract<WatcherState, { phase: 'InitListed' }>,
  input: WatcherInput,
): WatcherStep<T> {
  switch (input.type) {
    case 'WatchStarted':
      // The stream is open: read events from the same resourceVersion.
      return {
        state: { phase: 'Watching', resourceVersion: state.resourceVersion, events: 0 },
        events: [],
        backoff: false,
      };
    case 'WatchFailed':
      // 410 Gone: our resourceVersion was compacted away; only a fresh list can tell what changed. After the
      // (jittered) backoff: a compaction expires every informer's resourceVersion at once, and relisting together
      // would hit the API server with all their lists at the same instant.
      if (isResourceExpired(input.error))
        return { state: empty, events: [], backoff: true, error: input.error };
      // Server down or overloaded: try the watch again from the same resourceVersion after the backoff.
      return { state, events: [], backoff: true, error: input.error };
    default:
      throw new Error(`watcher in InitListed got ${input.type}, which only follows a list or an open watch`);
  }
}

function fromWatching<T extends KubernetesObject>(
  state: Extract<WatcherState, { phase: 'Watching' }>,
  input: WatcherInput,
  action: string,
): WatcherStep<T> {
  switch (input.type) {
    case 'WatchEvent':
      return fromWatchEvent(state, input.event, action);
    case 'WatchClosed': {
      const resume: WatcherState = { phase: 'InitListed', resourceVersion: state.resourceVersion };
      // Closed at once with nothing delivered: not the server's timeoutSeconds; back off before reopening.
      if (state.events === 0 && input.openForMs < shortWatchMs) {
        const error = new Error(
          `${action}: very short watch: closed after ${Math.round(input.openForMs)} ms without an event`,
        );
        return { state: resume, events: [], backoff: true, error };
      }
      // The server's timeoutSeconds: routine; resume from the last resourceVersion at once.
      return { state: resume, events: [], backoff: false };
    }
    case 'WatchBroken':
      // Disconnect or silence: resume from the last resourceVersion, after the backoff (the server may be down).
      return {
        state: { phase: 'InitListed', resourceVersion: state.resourceVersion },
        events: [],
        backoff: true,
        error: input.error,
      };
    default:
      throw new Error(`watcher in Watching got ${input.type}, which only follows a list or a watch request`);
  }
}

function fromWatchEvent<T extends KubernetesObject>(
  state: Extract<WatcherState, { phase: 'Watching' }>,
  event: unknown,
  action: string,
): WatcherStep<T> {
  // Skipped events still count as delivered (the stream is alive) and, as client-go, still advance the
  // resourceVersion: the server has moved past them, and so does a reconnect.
  if (!isRecord(event)) {
    const error = new Error(`${action}: skipped a watch event that is not an object`);
    return { state: { ...state, events: state.events + 1 }, events: [], backoff: false, error };
  }
  const resourceVersion = resourceVersionOf(event.object) ?? state.resourceVersion;
  const watching: WatcherState = { phase: 'Watching', resourceVersion, events: state.events + 1 };
  switch (event.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED': {
      if (!isNamedObject(event.object)) {
        const article = event.type === 'ADDED' ? 'an' : 'a';
        const error = new Error(
          `${action}: skipped ${article} ${event.type} event whose object has no metadata.name`,
        );
        return { state: watching, events: [], backoff: false, error };
      }
      const type = event.type === 'DELETED' ? 'Delete' : 'Apply';
      return { state: watching, events: [{ type, object: event.object as T }], backoff: false };
    }
    case 'BOOKMARK':
      // Progress without a change: remember it, so a reconnect resumes from here and not from before.
      return { state: watching, events: [{ type: 'Bookmark', resourceVersion }], backoff: false };
    case 'ERROR': {
      const status: StatusBody = isRecord(event.object) ? event.object : {};
      const error = apiErrorFromStatus(action, status.code ?? 500, status);
      // "too old resource version" (410): relist from scratch after the backoff (see WatchFailed), and the
      // relist's diff yields what was missed.
      if (isResourceExpired(error)) return { state: empty, events: [], backoff: true, error };
      // Other in-stream errors: reopen from the last good resourceVersion after the backoff.
      return {
        state: { phase: 'InitListed', resourceVersion: state.resourceVersion },
        events: [],
        backoff: true,
        error,
      };
    }
    default: {
      // A type this client does not know (a newer server?): skip it, as client-go does, and keep watching.
      const error = new Error(
        `${action}: skipped a watch event of unknown type ${JSON.stringify(event.type)}`,
      );
      return { state: watching, events: [], backoff: false, error };
    }
  }
}
