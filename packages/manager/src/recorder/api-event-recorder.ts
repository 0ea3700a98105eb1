import { randomUUID } from 'node:crypto';
import type { EventsV1Event, KubernetesObject, V1ObjectReference } from '@kubernetes/client-node';
import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { Logger } from 'winston';
import { RestClient } from '../rest/rest-client.js';
import { Event } from '../kinds/builtin-kinds.js';
import { microTime } from './micro-time.js';
import { EventRecorder, type EventOptions, type EventType } from './event-recorder.js';
import { errorMessage } from '../internal/errors/error-message.js';

/** Options of {@link ApiEventRecorder}. */
export interface ApiEventRecorderOptions {
  readonly kubeConfig: KubeConfigLike;
  /** `reportingController` of every event: a qualified name, e.g. `memcached-operator/proxy-config`. */
  readonly reportingController: string;
  /** `reportingInstance`: which replica wrote it; default the host name. */
  readonly reportingInstance?: string;
  readonly logger?: Logger;
  /** Events written at most at once; more are dropped (counted in the log), as client-go's full broadcaster. Default 100. */
  readonly maxInFlight?: number;
  /**
   * Once aborted, no event is posted any more and those in flight are aborted: the manager's fence, set when its
   * lease is lost or its writes stop at shutdown, so that no Event is written outside the replica's term.
   */
  readonly fence?: AbortSignal;
}

/** How long repeats of an event are counted in its series rather than written as a new Event (client-go's 6 min). */
const seriesWindowMs = 6 * 60_000;
const maxTracked = 4096;
const noteLimit = 1024;

interface Recent {
  readonly namespace: string;
  readonly name: string;
  count: number;
  /** Monotonic (`performance.now()`): the series window is a duration. */
  lastAt: number;
  /** Settles once the first Event of the series was created (or failed). */
  readonly created: Promise<void>;
}

function referenceTo(obj: KubernetesObject): V1ObjectReference {
  const m = obj.metadata ?? {};
  const ref: V1ObjectReference = {};
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (obj.kind) ref.kind = obj.kind;
  if (m.namespace) ref.namespace = m.namespace;
  if (m.name) ref.name = m.name;
  if (m.uid) ref.uid = m.uid;
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  return ref;
}

/**
 * Writes events.k8s.io/v1 Events, without waiting. Repeats of the same event (same
 * object, type, reason, action and note) within 6 minutes update the first Event's `series.count` instead of
 * creating new objects, so a crash-looping reconcile does not flood etcd. Once its `fence` aborts it writes
 * nothing more: events are writes too, and a replica that lost its lease must not write.
 */
export class ApiEventRecorder extends EventRecorder {
  private readonly rest: RestClient;
  private readonly reportingInstance: string;
  private readonly maxInFlight: number;
  private readonly recent = new Map<string, Recent>();
  private readonly inFlight = new Set<Promise<void>>();
  private dropped = 0;

  constructor(private readonly options: ApiEventRecorderOptions) {
    super();
    this.rest = RestClient.for(options.kubeConfig);
    this.reportingInstance = (options.reportingInstance ?? process.env['HOSTNAME'] ?? 'unknown').slice(
      0,
      128,
    );
    this.maxInFlight = options.maxInFlight ?? 100;
  }

  event(
    regarding: KubernetesObject,
    type: EventType,
    reason: string,
    note: string,
    options?: EventOptions,
  ): void {
    if (this.options.fence?.aborted) {
      this.options.logger?.debug('event not recorded: writes are fenced', {
        reason,
        fence: errorMessage(this.options.fence.reason),
      });
      return;
    }
    if (this.inFlight.size >= this.maxInFlight) {
      this.dropped++;
      this.options.logger?.warn('event dropped: too many in flight', { reason, dropped: this.dropped });
      return;
    }
    const p = this.write(
      regarding,
      type,
      reason,
      note.slice(0, noteLimit),
      options?.action ?? reason,
      options?.related,
    )
      .catch((err: unknown) => {
        this.options.logger?.warn('could not record event', {
          reason,
          regarding: referenceTo(regarding),
          error: errorMessage(err),
        });
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Resolves once every event recorded so far has been written (or failed); the manager awaits it on shutdown. */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async write(
    regarding: KubernetesObject,
    type: EventType,
    reason: string,
    note: string,
    action: string,
    related: KubernetesObject | undefined,
  ): Promise<void> {
    const ref = referenceTo(regarding);
    // Cluster-scoped objects' events go to `default`, as client-go's.
    const namespace = ref.namespace ?? 'default';
    const key = JSON.stringify([ref.uid ?? `${namespace}/${ref.name ?? ''}`, type, reason, action, note]);
    // Wall-clock time for the API's timestamps, monotonic time for the series window.
    const now = Date.now();
    const elapsed = performance.now();
    const fence = this.options.fence;
    const seen = this.recent.get(key);
    if (seen && elapsed - seen.lastAt < seriesWindowMs) {
      seen.count++;
      seen.lastAt = elapsed;
      const count = seen.count;
      // The first Event must exist before its series is updated.
      await seen.created;
      fence?.throwIfAborted();
      await this.rest.request({
        verb: 'patch',
        method: 'PATCH',
        kind: Event,
        namespace: seen.namespace,
        name: seen.name,
        contentType: 'application/merge-patch+json',
        body: { series: { count, lastObservedTime: microTime(now) } },
        ...(fence ? { signal: fence } : {}),
      });
      return;
    }
    // Time-ordered, unique names as client-go's `<object>.<hex nanoseconds>`. The 6 random hex digits come from
    // randomUUID's buffered entropy (its first 8 digits are random): randomBytes is a getrandom syscall per event.
    const name = `${ref.name ?? 'event'}.${now.toString(16)}${randomUUID().slice(0, 6)}`;
    const body: Omit<EventsV1Event, 'eventTime'> & { eventTime: string } = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { namespace, name },
      eventTime: microTime(now),
      type,
      reason,
      action,
      note,
      regarding: ref,
      reportingController: this.options.reportingController,
      reportingInstance: this.reportingInstance,
      ...(related ? { related: referenceTo(related) } : {}),
    };
    const created = this.rest
      .request({
        verb: 'create',
        method: 'POST',
        kind: Event,
        namespace,
        body,
        ...(fence ? { signal: fence } : {}),
      })
      .then(
        () => undefined,
        (err: unknown) => {
          this.recent.delete(key);
          throw err;
        },
      );
    // Tracked before the create resolves, so that a repeat recorded meanwhile joins this Event's series.
    if (this.recent.size >= maxTracked) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) this.recent.delete(oldest.value);
    }
    this.recent.set(key, {
      namespace,
      name,
      count: 1,
      lastAt: elapsed,
      created: created.catch(() => undefined),
    });
    await created;
  }
}
