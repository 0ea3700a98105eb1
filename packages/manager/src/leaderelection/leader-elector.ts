import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'winston';
import { isConflict, isNotFound } from '../apierrors/api-error.js';
import { RestClient } from '../rest/rest-client.js';
import { Lease } from '../kinds/builtin-kinds.js';
import { leaderElectionMasterStatus } from '../metrics/leader-election-metrics.js';
import { microTime } from '../recorder/micro-time.js';
import type { LeaderCallbacks, LeaderElectorOptions } from './leader-elector-options.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { isAborted } from '../internal/signal/sleep.js';
import { realClock, type Clock } from '../clock/clock.js';
import { sleepOn } from '../clock/sleep.js';

/** A candidate's identity when none is given: `<hostname>_<random>`, so a restarted pod is a new candidate. */
export function defaultLeaderIdentity(): string {
  return `${hostname()}_${randomBytes(8).toString('hex')}`;
}

/** client-go's JitterFactor: acquire retries wait retryPeriod × [1, 2.2), so standbys do not retry in lockstep. */
const jitterFactor = 1.2;

/** The part of a Lease's spec the election reads, as client-go's LeaderElectionRecord. */
interface LeaderRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string | undefined;
  readonly renewTime: string | undefined;
  readonly leaseTransitions: number;
}

/**
 * A Lease as the API server sends it. Not client-node's LeaseObject: that types MicroTime fields as Date, while the JSON
 * holds strings, and the election must write them back unchanged.
 */
interface LeaseObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly resourceVersion?: string } & Readonly<Record<string, unknown>>;
  readonly spec?: {
    readonly holderIdentity?: string;
    readonly leaseDurationSeconds?: number;
    readonly acquireTime?: string;
    readonly renewTime?: string;
    readonly leaseTransitions?: number;
  } & Readonly<Record<string, unknown>>;
}

function recordOf(lease: LeaseObject): LeaderRecord {
  const s = lease.spec ?? {};
  return {
    holderIdentity: s.holderIdentity ?? '',
    leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
    acquireTime: s.acquireTime,
    renewTime: s.renewTime,
    leaseTransitions: s.leaseTransitions ?? 0,
  };
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics:
 *
 * - a candidate acquires the lease when it is free (no holder, or released) or expired — not renewed for the
 *   holder's announced `leaseDurationSeconds` as observed by this process's own monotonic clock since it last saw
 *   the record change (so clocks need not agree across replicas, and a wall-clock step changes nothing);
 * - the leader renews every `retryPeriod`; if it cannot renew for `renewDeadline`, it gives leadership up and says
 *   so at once (before the lease expires for others, since `renewDeadline < leaseDuration`);
 * - every write carries the resourceVersion read, so two candidates racing for one lease cannot both win (409);
 * - with `releaseOnCancel`, a clean stop writes an empty holder so a standby takes over at its next retry.
 *
 * It reads and writes the Lease directly (not through a controller's guarded client, nor the cache: the lease must
 * be read fresh).
 */
export class LeaderElector {
  readonly identity: string;
  private readonly rest: RestClient;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly callbacks: LeaderCallbacks;
  private readonly log: Logger | undefined;
  private readonly clock: Clock;
  private observed: { record: LeaderRecord; raw: string; resourceVersion: string; at: number } | undefined;
  private leading: AbortController | undefined;
  private reportedLeader: string | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.identity = options.identity ?? defaultLeaderIdentity();
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.callbacks = options.callbacks;
    this.clock = options.clock ?? realClock;
    this.log = options.logger?.child({
      lease: `${options.namespace}/${options.name}`,
      identity: this.identity,
    });
    this.rest = RestClient.for(options.kubeConfig);
    if (this.leaseDurationMs <= this.renewDeadlineMs) {
      throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    }
    if (this.renewDeadlineMs <= jitterFactor * this.retryPeriodMs) {
      throw new Error('leader election: renewDeadline must be greater than retryPeriod × 1.2');
    }
    leaderElectionMasterStatus.set({ name: options.name }, 0);
  }

  /** Whether this process holds the lease right now. */
  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** The holder last observed ('' when free). */
  get observedLeader(): string | undefined {
    return this.observed?.record.holderIdentity;
  }

  /**
   * One term, as client-go's `Run`: campaigns until it acquires the lease or `signal` aborts, then renews until the
   * lease is lost or `signal` aborts (then releases it if `releaseOnCancel`), and resolves. It never campaigns again
   * after a loss: a process that lost its lease may still be stopping its writers, and re-acquiring would let it
   * renew while it drains, delaying failover; a fresh process (or a new `run`) rejoins as a standby.
   */
  async run(signal: AbortSignal): Promise<void> {
    try {
      if (await this.acquire(signal)) await this.renewLoop(signal);
    } finally {
      if (this.leading) {
        if (this.options.releaseOnCancel) await this.release();
        this.stopLeading();
      }
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log?.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) {
        this.log?.info('successfully acquired lease');
        this.startLeading();
        return true;
      }
      await sleepOn(this.clock, this.retryPeriodMs * (1 + Math.random() * jitterFactor), signal);
    }
    return false;
  }

  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenew = this.elapsed();
    while (!signal.aborted) {
      // Never sleep past the deadline: a failed attempt that ended just before it must not push the give-up a
      // whole retryPeriod later, possibly past leaseDuration, when a standby may already have taken over.
      const untilDeadline = this.renewDeadlineMs - (this.elapsed() - lastRenew);
      await sleepOn(this.clock, Math.max(0, Math.min(this.retryPeriodMs, untilDeadline)), signal);
      if (isAborted(signal)) return;
      const remaining = this.renewDeadlineMs - (this.elapsed() - lastRenew);
      const renewed =
        remaining > 0 &&
        (await this.tryAcquireOrRenew(AbortSignal.any([signal, AbortSignal.timeout(Math.ceil(remaining))])));
      if (isAborted(signal)) return;
      if (renewed) {
        lastRenew = this.elapsed();
        continue;
      }
      if (this.elapsed() - lastRenew >= this.renewDeadlineMs || this.observedByOther()) {
        this.log?.warn('failed to renew lease: leadership lost');
        this.stopLeading();
        return;
      }
    }
  }

  /**
   * How long the observed holder's lease lasts: the duration it announced in the record (client-go's isLeaseValid),
   * not ours — replicas may be configured differently, e.g. during a rollout. Ours when the record has none.
   */
  private observedLeaseDurationMs(): number {
    const seconds = this.observed?.record.leaseDurationSeconds ?? 0;
    return seconds > 0 ? seconds * 1000 : this.leaseDurationMs;
  }

  /** Whether the last read showed another holder: then renewing again is pointless, leadership is gone. */
  private observedByOther(): boolean {
    const holder = this.observed?.record.holderIdentity;
    return holder !== undefined && holder !== '' && holder !== this.identity;
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.elapsed();
    // The record's times are wall-clock timestamps, as the API defines them; nobody measures with them.
    const wallNow = microTime(this.clock.now());
    const desired = (old: LeaderRecord | undefined) => {
      const sameHolder = old?.holderIdentity === this.identity;
      return {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        acquireTime: sameHolder && old.acquireTime ? old.acquireTime : wallNow,
        renewTime: wallNow,
        leaseTransitions: old ? (sameHolder ? old.leaseTransitions : old.leaseTransitions + 1) : 0,
      };
    };
    try {
      let lease: LeaseObject;
      try {
        lease = await this.rest.request<LeaseObject>({
          ...this.location(),
          verb: 'get',
          method: 'GET',
          signal,
        });
      } catch (err: unknown) {
        if (!isNotFound(err)) throw err;
        const created = await this.rest.request<LeaseObject>({
          ...this.location(false),
          verb: 'create',
          method: 'POST',
          signal,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { namespace: this.options.namespace, name: this.options.name },
            spec: desired(undefined),
          },
        });
        this.observe(created, this.elapsed());
        return true;
      }
      this.observe(lease, now);
      const old = recordOf(lease);
      const held = old.holderIdentity !== '' && old.holderIdentity !== this.identity;
      if (held && this.observed && this.observed.at + this.observedLeaseDurationMs() > now) {
        return false; // someone else holds a lease that has not expired by our clock
      }
      const updated = await this.rest.request<LeaseObject>({
        ...this.location(),
        verb: 'update',
        method: 'PUT',
        signal,
        // The resourceVersion we read makes this a compare-and-swap: a concurrent winner makes it a 409.
        body: { ...lease, spec: { ...lease.spec, ...desired(old) } },
      });
      this.observe(updated, this.elapsed());
      return true;
    } catch (err: unknown) {
      if (!signal.aborted) {
        const level = isConflict(err) ? 'debug' : 'warn';
        this.log?.log(level, 'error acquiring or renewing lease', {
          error: errorMessage(err),
        });
      }
      return false;
    }
  }

  /** Releases the lease (empty holder) if this process still holds it; best effort. */
  private async release(): Promise<void> {
    const observed = this.observed;
    if (observed?.record.holderIdentity !== this.identity) return;
    // One deadline for the whole release, as client-go's; a conflict is retried within it: the renewal that was in
    // flight when we were stopped may land after our read (the client saw it aborted, the server still applied it).
    const signal = AbortSignal.timeout(this.renewDeadlineMs);
    for (;;) {
      try {
        const lease = await this.rest.request<LeaseObject>({
          ...this.location(),
          verb: 'get',
          method: 'GET',
          signal,
        });
        if (recordOf(lease).holderIdentity !== this.identity) return;
        const now = microTime(this.clock.now());
        // client-go's release record: no holder, 1 s duration, transitions kept.
        const updated = await this.rest.request<LeaseObject>({
          ...this.location(),
          verb: 'update',
          method: 'PUT',
          signal,
          body: {
            ...lease,
            spec: {
              ...lease.spec,
              holderIdentity: '',
              leaseDurationSeconds: 1,
              acquireTime: now,
              renewTime: now,
            },
          },
        });
        this.observe(updated, this.elapsed());
        this.log?.info('released leader lease');
        return;
      } catch (err: unknown) {
        if (isConflict(err) && !signal.aborted) {
          this.log?.debug('conflict releasing leader lease; retrying');
          continue;
        }
        this.log?.warn('could not release leader lease', {
          error: errorMessage(err),
        });
        return;
      }
    }
  }

  /**
   * The time durations are measured on: monotonic, so that a step of the wall clock neither hands a live lease to
   * a standby (forward) nor keeps a leader that stopped renewing (backward).
   */
  private elapsed(): number {
    return this.clock.monotonicNow();
  }

  private location(named = true) {
    return { kind: Lease, namespace: this.options.namespace, ...(named ? { name: this.options.name } : {}) };
  }

  /** Records what was read; the observation time only moves when the record changes (client-go's observedTime). */
  private observe(lease: LeaseObject, at: number): void {
    const record = recordOf(lease);
    const raw = JSON.stringify(record);
    if (this.observed?.raw !== raw)
      this.observed = { record, raw, resourceVersion: lease.metadata?.resourceVersion ?? '', at };
    if (record.holderIdentity !== this.reportedLeader) {
      this.reportedLeader = record.holderIdentity;
      if (record.holderIdentity !== this.identity)
        this.log?.info('new leader observed', { leader: record.holderIdentity });
      this.callbacks.onNewLeader?.(record.holderIdentity);
    }
  }

  private startLeading(): void {
    this.leading = new AbortController();
    leaderElectionMasterStatus.set({ name: this.options.name }, 1);
    this.callbacks.onStartedLeading(this.leading.signal);
  }

  private stopLeading(): void {
    const leading = this.leading;
    if (!leading) return;
    this.leading = undefined;
    leaderElectionMasterStatus.set({ name: this.options.name }, 0);
    leading.abort(new Error(`leader election lost for lease ${this.options.namespace}/${this.options.name}`));
    this.callbacks.onStoppedLeading();
  }
}
