import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import type { WebhookServerOptions } from '../webhook/webhook-server.js';

/** Leader election of a manager: only the holder of the Lease `namespace/id` runs controllers. */
export interface LeaderElectionOptions {
  /** The Lease's name, the same for every replica of the operator, e.g. `memcached-operator.cache.spoke.dev`. */
  readonly id: string;
  /**
   * The Lease's namespace. Default `$POD_NAMESPACE`, else the in-cluster service account's namespace, else
   * `default`.
   */
  readonly namespace?: string;
  /** This replica's identity; default `<hostname>_<random>`. */
  readonly identity?: string;
  /** How long a standby waits after the last renewal before taking over; default 15 s. */
  readonly leaseDurationMs?: number;
  /** Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** Default 2 s. */
  readonly retryPeriodMs?: number;
  /**
   * Release the lease on a clean shutdown (after the controllers have drained), so a standby takes over within a
   * retry period instead of a lease duration. Default false, as controller-runtime; safe to enable, since the manager drains its controllers and fences their writes before it releases.
   */
  readonly releaseOnCancel?: boolean;
}

/** The informer cache's options. */
export interface ManagerCacheOptions {
  /** Watch only this namespace for namespaced kinds (an operator with a namespaced Role). Default all namespaces. */
  readonly defaultNamespace?: string;
  /** How often informers replay their objects to handlers (at low priority). Default 10 h; 0 disables. */
  readonly resyncPeriodMs?: number;
  /**
   * How long a cached read of an object this process just wrote may wait for the informer to show that write, so
   * that a reconcile does not act again on the state from before its own write. Default 1000 ms; 0 disables.
   */
  readonly readYourWritesTimeoutMs?: number;
}

/** Options of {@link Manager.create}; every field has a default. */
export interface ManagerOptions {
  /** Where the API server is. Default `KubeConfig.loadFromDefault()` ($KUBECONFIG, ~/.kube/config, in-cluster). */
  readonly kubeConfig?: KubeConfig;
  /** Names the manager: field manager of writes, prefix of events' reportingController. Default `spoke-manager`. */
  readonly name?: string;
  /** Default none: every replica reconciles. Set it whenever more than one replica may run. */
  readonly leaderElection?: LeaderElectionOptions;
  /** `host:port` of `/metrics`; `:0` picks a free port; `0` disables. Default `:8080`. */
  readonly metricsBindAddress?: string;
  /**
   * Serve `/metrics` over HTTPS only, to callers whose bearer token passes a TokenReview and who may `get` the
   * non-resource URL `/metrics` (a SubjectAccessReview), as controller-runtime's `SecureServing` with kubebuilder's
   * `WithAuthenticationAndAuthorization` filter (see `withAuthenticationAndAuthorization`). Default false, as
   * controller-runtime: plain HTTP, open to anyone who reaches the port, so bind it to loopback.
   */
  readonly secureMetrics?: boolean;
  /**
   * With `secureMetrics`: a directory holding `tls.crt` and `tls.key` (e.g. a mounted cert-manager Secret), reloaded
   * when they change. Default none: a self-signed certificate made in-process at startup.
   */
  readonly metricsCertDir?: string;
  /** The certificate's file name in `metricsCertDir`. Default `tls.crt`. */
  readonly metricsCertName?: string;
  /** The key's file name in `metricsCertDir`. Default `tls.key`. */
  readonly metricsKeyName?: string;
  /** `host:port` of `/healthz` and `/readyz`; `0` disables. Default `:8081`. */
  readonly healthProbeBindAddress?: string;
  /** Default `newLogger()`: JSON lines on stderr at `$LOG_LEVEL` or info. */
  readonly logger?: Logger;
  readonly cache?: ManagerCacheOptions;
  /**
   * How long `start()` waits for the informers to sync before it gives up and rejects with a
   * `CacheSyncTimeoutError` naming those that did not (a missing CRD, RBAC), as controller-runtime's
   * `CacheSyncTimeout`. Default 120 s (controller-runtime's 2 min): a large list finishes well within it, and a
   * process that cannot sync should exit and say why rather than wait unready forever.
   */
  readonly cacheSyncTimeoutMs?: number;
  /**
   * The deadline of each API request of the manager's clients that names none (`timeoutMs` in a call's options):
   * it rejects with a `TimeoutError` when no complete response arrived in this time. Default 30 s
   * (`defaultRequestTimeoutMs`); 0 waits for ever, as client-go. Watches are not affected (their own timeouts
   * apply), nor is leader election (its requests end at the renew deadline).
   */
  readonly requestTimeoutMs?: number;
  /**
   * On shutdown, how long in-flight reconciles may take to finish before their signals are aborted and the manager
   * stops anyway. Default 30 s (Kubernetes' default termination grace period).
   */
  readonly gracefulShutdownTimeoutMs?: number;
  /**
   * The webhook server (HTTPS, default `:9443`), started with the manager on every replica once webhooks are
   * registered (`registerWebhooks`); unused otherwise.
   */
  readonly webhookServer?: WebhookServerOptions;
}
