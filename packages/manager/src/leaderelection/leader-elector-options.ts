import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { Logger } from 'winston';
import type { Clock } from '../clock/clock.js';

/** What a {@link LeaderElector} tells its owner. */
export interface LeaderCallbacks {
  /** This process now holds the lease; `signal` aborts when it stops holding it (lost or released). */
  onStartedLeading(signal: AbortSignal): void;
  /**
   * This process stopped holding the lease, called as soon as that is known: the owner must stop writing at once,
   * since another replica may acquire the lease one lease duration after the last renewal.
   */
  onStoppedLeading(): void;
  /** The observed holder changed (including to this process, and to `''` when released). */
  onNewLeader?(identity: string): void;
}

/** Options of a {@link LeaderElector}, with client-go's defaults. */
export interface LeaderElectorOptions {
  readonly kubeConfig: KubeConfigLike;
  /** The coordination.k8s.io/v1 Lease's namespace and name (the election's id). */
  readonly namespace: string;
  readonly name: string;
  /** Unique per replica; default `<hostname>_<random>`, so that a restarted pod is a new candidate. */
  readonly identity?: string;
  /**
   * How long a lease is honoured after its last renewal (observed locally, so clocks need not agree): a standby
   * takes over at most this long after the leader stopped renewing. Default 15 s.
   */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps retrying a failed renewal before giving up leadership. Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** Between attempts to acquire or renew. Default 2 s. */
  readonly retryPeriodMs?: number;
  /**
   * On a clean stop, write an empty holder so that a standby takes over at its next retry instead of waiting out
   * the lease. Only safe if the owner has stopped writing before the elector stops. Default false.
   */
  readonly releaseOnCancel?: boolean;
  readonly callbacks: LeaderCallbacks;
  readonly logger?: Logger;
  /**
   * Default the process clock. Lease durations, the renew deadline and retry periods are measured on its monotonic
   * clock, so a step of the wall clock neither shortens nor stretches a lease; the record's `acquireTime` and
   * `renewTime` are wall-clock timestamps, as the API defines them. Tests pass a `FakeClock`.
   */
  readonly clock?: Clock;
}
