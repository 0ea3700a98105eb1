import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Logger } from 'winston';
import { SharedInformerCache } from '../cache/shared-informer-cache.js';
import type { Client } from '../client/client.js';
import { KubeClient } from '../client/kube-client.js';
import type { ReconcilerClass } from '../controller/controller-decorator.js';
import type { ControllerMetadata } from '../controller/controller-options.js';
import type { Checker } from '../healthz/checker.js';
import { defaultLeaderIdentity, LeaderElector } from '../leaderelection/leader-elector.js';
import { newLogger } from '../log/new-logger.js';
import { CacheSyncTimeoutError } from './cache-sync-timeout-error.js';
import { ControllerRegistry } from './controller-registry.js';
import { LeaderElectionLostError } from './leader-election-lost-error.js';
import { ManagerServers, type ServingAddresses } from './manager-servers.js';
import type { LeaderElectionOptions, ManagerOptions } from './manager-options.js';
import { setupSignalHandler } from './signal-handler.js';
import type { WebhookDeclaration } from '../webhook/webhook-declaration.js';
import { WebhookServer } from '../webhook/webhook-server.js';

export type { ServingAddresses } from './manager-servers.js';

/** Default of {@link ManagerOptions.cacheSyncTimeoutMs}: controller-runtime's `CacheSyncTimeout`, 2 minutes. */
export const defaultCacheSyncTimeoutMs = 120_000;

/** An informer that is not watching for this long (or watching but silent, no bookmark) fails `/readyz`. */
const informerStallMs = 120_000;

function inClusterNamespace(): string | undefined {
  try {
    return (
      readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * Runs controllers, as controller-runtime's Manager: it owns the KubeConfig, the shared informer cache, the
 * dependency-injection container, the leader elector, and the metrics and probe servers.
 *
 * `start()` starts the servers and the cache, waits for the cache to sync, then campaigns for leadership (if
 * configured). Standbys keep their informers running, so a failover reconciles from a warm cache. As leader it
 * starts the controllers; on losing the lease it stops reconciling at once (signals aborted, writes fenced) and
 * `start()` rejects with {@link LeaderElectionLostError}. On abort of its signal it shuts down gracefully: stops
 * taking work, lets in-flight reconciles finish (up to `gracefulShutdownTimeoutMs`), releases the lease if asked,
 * and closes the watches.
 */
export class Manager {
  /** The manager's name (field manager, events' reportingController prefix). */
  readonly name: string;
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** The shared informer cache; reads through it never reach the API server. */
  readonly cache: SharedInformerCache;
  /**
   * A client reading from the cache and writing anything (no single-writer guard): for setup code and tests.
   * Controllers get a guarded client instead.
   */
  readonly client: Client;
  /** For your own providers; each controller resolves in a child of it, with its own `Client` and `EventRecorder`. */
  readonly container: DependencyContainer;
  /** This replica's leader-election identity (also events' reportingInstance); the host name without election. */
  readonly identity: string;
  /**
   * The webhook server, controller-runtime's `mgr.GetWebhookServer()`: started by `start()` when webhooks are
   * registered, stopped on shutdown (tests also stop it early to see what the API server does without it).
   */
  readonly webhookServer: WebhookServer;
  private readonly options: ManagerOptions;
  private readonly controllers: ControllerRegistry;
  private readonly servers: ManagerServers;
  private synced = false;
  private started = false;
  /** Set when writes must stop (lease lost, shutdown past drain): every controller's client refuses writes. */
  private fenceError: Error | undefined;
  /** Aborted when the fence is set, with its error: controllers' writes in flight are aborted with it. */
  private readonly fenceSignal = new AbortController();
  private readonly electedPromise: Promise<void>;
  private readonly servingPromise: Promise<ServingAddresses>;
  private resolveServing!: (addresses: ServingAddresses) => void;
  private resolveElected!: () => void;

  private constructor(options: ManagerOptions) {
    this.options = options;
    this.name = options.name ?? 'spoke-manager';
    this.kubeConfig = options.kubeConfig ?? Manager.defaultKubeConfig();
    this.logger = options.logger ?? newLogger();
    this.identity = options.leaderElection
      ? (options.leaderElection.identity ?? defaultLeaderIdentity())
      : hostname();
    this.cache = new SharedInformerCache({
      kubeConfig: this.kubeConfig,
      ...(options.cache?.defaultNamespace === undefined
        ? {}
        : { defaultNamespace: options.cache.defaultNamespace }),
      ...(options.cache?.resyncPeriodMs === undefined
        ? {}
        : { resyncPeriodMs: options.cache.resyncPeriodMs }),
      ...(options.cache?.readYourWritesTimeoutMs === undefined
        ? {}
        : { readYourWritesTimeoutMs: options.cache.readYourWritesTimeoutMs }),
      logger: this.logger,
      onError: (err) => {
        this.logger.warn('informer error', { error: err.message });
      },
    });
    this.client = new KubeClient({
      kubeConfig: this.kubeConfig,
      cache: this.cache,
      fieldManager: this.name,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    });
    this.container = rootContainer.createChildContainer();
    this.container.registerInstance(KubeConfig, this.kubeConfig);
    this.controllers = new ControllerRegistry({
      managerName: this.name,
      reportingInstance: this.identity,
      kubeConfig: this.kubeConfig,
      cache: this.cache,
      client: this.client,
      container: this.container,
      logger: this.logger,
      fence: () => this.fenceError,
      fenceSignal: this.fenceSignal.signal,
    });
    this.servers = new ManagerServers({
      kubeConfig: this.kubeConfig,
      logger: this.logger,
      metricsBindAddress: options.metricsBindAddress ?? ':8080',
      healthProbeBindAddress: options.healthProbeBindAddress ?? ':8081',
      secureMetrics: options.secureMetrics ?? false,
      ...(options.metricsCertDir === undefined ? {} : { metricsCertDir: options.metricsCertDir }),
      metricsCertName: options.metricsCertName,
      metricsKeyName: options.metricsKeyName,
    });
    this.servers.addReadyzCheck('informers', () => {
      this.checkInformers();
    });
    this.servers.addHealthzCheck('informers', this.cache.livenessCheck);
    this.webhookServer = new WebhookServer(
      options.webhookServer ?? {},
      this.logger.child({ component: 'webhook-server' }),
    );
    this.electedPromise = new Promise((resolve) => (this.resolveElected = resolve));
    this.servingPromise = new Promise((resolve) => (this.resolveServing = resolve));
  }

  /** A manager with `options`; nothing runs until {@link start}. */
  static create(options: ManagerOptions = {}): Manager {
    return new Manager(options);
  }

  /** See {@link setupSignalHandler}: an AbortSignal for SIGTERM/SIGINT, to pass to `start`. */
  static setupSignalHandler(): AbortSignal {
    return setupSignalHandler();
  }

  /**
   * Adds `@Controller` classes: resolves each in its own child container (so constructor errors surface here) and
   * creates its informers, so that the cache syncs them before any controller starts. Throws when a class is not a
   * controller, its name is taken, or another controller already writes its write target (one writer per kind, and
   * per kind's status).
   */
  register(...classes: ReconcilerClass[]): this {
    if (this.started) throw new Error('register controllers before starting the manager');
    for (const cls of classes) this.controllers.register(cls);
    return this;
  }

  /**
   * Adds webhooks (declared with `webhookFor`) to the webhook server, which then starts with the manager, and the
   * `webhook` readiness check (failing while the server is not serving). Throws after `start()`, and when two
   * declarations share a path or convert the same kind.
   */
  registerWebhooks(...declarations: WebhookDeclaration[]): this {
    if (this.started) throw new Error('register webhooks before starting the manager');
    const first = !this.webhookServer.hasWebhooks;
    for (const declaration of declarations) this.webhookServer.register(declaration);
    // Every declaration has at least one webhook (webhookFor refuses an empty one).
    if (first && declarations.length > 0)
      this.servers.addReadyzCheck('webhook', this.webhookServer.startedChecker);
    return this;
  }

  /** The declarations of the registered controllers (for RBAC generation and diagnostics). */
  get controllerMetadata(): readonly ControllerMetadata[] {
    return this.controllers.metadata;
  }

  /** Adds a `/healthz` check (liveness: failing restarts the pod). */
  addHealthzCheck(name: string, check: Checker): this {
    this.servers.addHealthzCheck(name, check);
    return this;
  }

  /** Adds a `/readyz` check (readiness). The built-in `informers` check fails until the cache has synced. */
  addReadyzCheck(name: string, check: Checker): this {
    this.servers.addReadyzCheck(name, check);
    return this;
  }

  /** Resolves with the servers' URLs once they listen (early in `start`), the webhook server's included. */
  serving(): Promise<ServingAddresses> {
    return this.servingPromise;
  }

  /** Resolves once this manager leads (at once after sync without leader election), as controller-runtime's `Elected`. */
  elected(): Promise<void> {
    return this.electedPromise;
  }

  /** Whether the cache has synced (what `/readyz` reports, besides stalled informers). */
  get hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Runs until `signal` aborts (then shuts down gracefully and resolves) or the lease is lost (then stops reconciling
   * at once and rejects with {@link LeaderElectionLostError}). A loss during the graceful shutdown also aborts the
   * in-flight reconciles at once and fences their writes, and `start()` rejects with that error. A controller that
   * fails to start stops the manager the same way, and `start()` rejects with the reason. Rejects with {@link CacheSyncTimeoutError} if the
   * informers do not sync within `cacheSyncTimeoutMs`. A manager starts once.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.started) throw new Error('the manager was already started');
    this.started = true;
    const stop = new AbortController();
    const onAbort = () => {
      stop.abort(signal?.reason);
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    await this.servers.start();
    // Before the cache: a conversion webhook may be what the informers' lists need to be answered.
    if (this.webhookServer.hasWebhooks) {
      try {
        await this.webhookServer.start();
      } catch (err: unknown) {
        signal?.removeEventListener('abort', onAbort);
        await this.webhookServer.stop();
        await this.servers.close();
        throw err;
      }
    }
    const url = this.webhookServer.url;
    this.resolveServing({
      ...(await this.servers.serving()),
      ...(url === undefined ? {} : { webhookUrl: url }),
    });
    const cacheStop = new AbortController();
    const cacheRun = this.cache.start(cacheStop.signal);
    const electorStop = new AbortController();
    let electorRun: Promise<void> | undefined;
    let lost: LeaderElectionLostError | undefined;
    let unsynced: CacheSyncTimeoutError | undefined;
    let failed: Error | undefined;
    // A controller that cannot start stops the whole manager, loudly: start() rejects with the reason.
    const fail = (err: Error): void => {
      if (failed || lost) return;
      failed = err;
      this.setFence(err);
      this.logger.error('controllers failed to start; stopping', { error: err.message });
      void this.controllers.stop('abort', err);
      stop.abort(err);
    };
    try {
      const syncTimeoutMs = this.options.cacheSyncTimeoutMs ?? defaultCacheSyncTimeoutMs;
      const syncDeadline = AbortSignal.timeout(syncTimeoutMs);
      this.synced = await this.cache.waitForCacheSync(AbortSignal.any([stop.signal, syncDeadline]));
      if (!this.synced && !stop.signal.aborted) {
        unsynced = new CacheSyncTimeoutError(
          syncTimeoutMs,
          this.cache.health().filter((h) => !h.synced),
        );
        this.logger.error('caches did not sync; stopping', { error: unsynced.message });
      }
      if (this.synced) {
        this.logger.info('caches synced');
        const le = this.options.leaderElection;
        if (le) {
          const elector = this.newElector(le, (leading) => {
            if (leading) {
              this.startControllers(fail);
              return;
            }
            // Only the manager's own stop (after the drain, with writes fenced) ends leadership on purpose. A loss
            // at any other time, including while draining after SIGTERM, stops every write at once: a standby may
            // lead from now on.
            if (electorStop.signal.aborted) return;
            lost = new LeaderElectionLostError(
              `leader election lost: lease ${leaseName(le)} is no longer held`,
            );
            this.setFence(lost);
            this.logger.error('leader election lost; aborting reconciles and fencing writes', {
              identity: this.identity,
              draining: stop.signal.aborted,
            });
            void this.controllers.stop('abort', lost);
            stop.abort(lost);
          });
          electorRun = elector.run(electorStop.signal);
        } else {
          this.startControllers(fail);
        }
        await new Promise<void>((resolve) => {
          if (stop.signal.aborted) resolve();
          else
            stop.signal.addEventListener(
              'abort',
              () => {
                resolve();
              },
              { once: true },
            );
        });
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.shutdown(electorStop, electorRun, cacheStop, cacheRun);
    }
    if (lost) throw lost;
    if (failed) throw failed;
    if (unsynced) throw unsynced;
  }

  private newElector(le: LeaderElectionOptions, onLeadership: (leading: boolean) => void): LeaderElector {
    return new LeaderElector({
      kubeConfig: this.kubeConfig,
      namespace: leaseNamespace(le),
      name: le.id,
      identity: this.identity,
      ...(le.leaseDurationMs === undefined ? {} : { leaseDurationMs: le.leaseDurationMs }),
      ...(le.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: le.renewDeadlineMs }),
      ...(le.retryPeriodMs === undefined ? {} : { retryPeriodMs: le.retryPeriodMs }),
      releaseOnCancel: le.releaseOnCancel ?? false,
      logger: this.logger,
      callbacks: {
        onStartedLeading: () => {
          onLeadership(true);
        },
        onStoppedLeading: () => {
          onLeadership(false);
        },
      },
    });
  }

  /** Starts the controllers (once: the elector never re-acquires in one run); a failure to start stops the manager. */
  private startControllers(fail: (err: Error) => void): void {
    this.resolveElected();
    try {
      this.controllers.start().catch(fail);
    } catch (err: unknown) {
      fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Stops every controller's writes, those in flight included; the first reason stays. */
  private setFence(err: Error): void {
    if (this.fenceError) return;
    this.fenceError = err;
    this.fenceSignal.abort(err);
  }

  /** The `informers` readiness check: synced, and no informer stuck outside Watching (or silent) for long. */
  private checkInformers(): void {
    if (!this.synced) throw new Error('informer caches have not synced yet');
    const stalled = this.cache
      .health()
      .filter(
        (h) =>
          !h.synced ||
          h.phase === 'Stopped' ||
          (h.lastEventAgeMs !== undefined && h.lastEventAgeMs > informerStallMs),
      );
    if (stalled.length > 0) {
      const names = stalled.map(
        (h) =>
          `${h.kind}${h.namespace ? ` in ${h.namespace}` : ''} (${h.phase}${h.lastError ? `: ${h.lastError}` : ''})`,
      );
      throw new Error(`informers stalled: ${names.join(', ')}`);
    }
  }

  private async shutdown(
    electorStop: AbortController,
    electorRun: Promise<void> | undefined,
    cacheStop: AbortController,
    cacheRun: Promise<void>,
  ): Promise<void> {
    const timeoutMs = this.options.gracefulShutdownTimeoutMs ?? 30_000;
    this.logger.info('stopping: draining in-flight reconciles', { gracefulShutdownTimeoutMs: timeoutMs });
    // Stop intake and let in-flight reconciles finish, still as leader (the elector keeps renewing meanwhile; a
    // loss now aborts them at once).
    const drained = this.controllers.stop('drain');
    const timedOut = await Promise.race([drained.then(() => false), sleep(timeoutMs, true, { ref: false })]);
    if (timedOut) {
      this.logger.warn('graceful shutdown timed out; aborting in-flight reconciles', {
        gracefulShutdownTimeoutMs: timeoutMs,
      });
      void this.controllers.stop('abort');
    }
    // The drain's last events go out while this replica still leads (after a loss the fence already dropped them).
    await Promise.race([this.controllers.flushEvents(), sleep(5_000, undefined, { ref: false })]);
    // No write may follow the lease release: fence (events included) before letting the elector go.
    this.setFence(new Error('the manager is shutting down'));
    electorStop.abort();
    await electorRun;
    cacheStop.abort();
    await cacheRun;
    await this.webhookServer.stop();
    await this.servers.close();
    this.logger.info('manager stopped');
  }

  private static defaultKubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc;
  }
}

/** The Lease's namespace: as configured, else the pod's namespace, else `default`. */
function leaseNamespace(le: LeaderElectionOptions): string {
  return le.namespace ?? process.env['POD_NAMESPACE'] ?? inClusterNamespace() ?? 'default';
}

function leaseName(le: LeaderElectionOptions): string {
  return `${leaseNamespace(le)}/${le.id}`;
}
