import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { container as rootContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { Logger } from 'winston';
import { SharedInformerCache } from '../cache/shared-informer-cache.js';
import { Client } from '../client/client.js';
import { KubeClient } from '../client/kube-client.js';
import { newSingleWriterClient } from '../client/guard/single-writer-client.js';
import { getControllerMetadata, type ReconcilerClass } from '../controller/controller-decorator.js';
import type { ControllerMetadata } from '../controller/controller-options.js';
import type { Checker } from '../healthz/checker.js';
import { ping } from '../healthz/checker.js';
import { probeHandler } from '../healthz/probe-handler.js';
import { ControllerLoop } from '../controller/controller-loop.js';
import { FencedClient } from '../client/guard/fenced-client.js';
import { defineKind, type ResourceKind } from '../kinds/resource-kind.js';
import { LeaderElector } from '../leaderelection/leader-elector.js';
import { newLogger } from '../log/new-logger.js';
import {
  withAuthenticationAndAuthorization,
  type RequestHandler,
} from '../metrics/filters/authentication-and-authorization-filter.js';
// The barrel, not registry.js: it loads every metric the manager serves, client-go's rest_client_* among them.
import { metricsRegistry } from '../metrics/index.js';
import { SecureMetricsServer } from '../metrics/server/secure-metrics-server.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import { ApiEventRecorder } from '../recorder/api-event-recorder.js';
import { EventRecorder } from '../recorder/event-recorder.js';
import { CacheSyncTimeoutError } from './cache-sync-timeout-error.js';
import { listen, parseBindAddress, type RunningServer } from '../internal/http/http-server.js';
import { LeaderElectionLostError } from './leader-election-lost-error.js';
import type { LeaderElectionOptions, ManagerOptions } from './manager-options.js';
import { setupSignalHandler } from './signal-handler.js';
import { errorMessage } from '../internal/errors/error-message.js';

/** Default of {@link ManagerOptions.cacheSyncTimeoutMs}: controller-runtime's `CacheSyncTimeout`, 2 minutes. */
export const defaultCacheSyncTimeoutMs = 120_000;

/** An informer that is not watching for this long (or watching but silent, no bookmark) fails `/readyz`. */
const informerStallMs = 120_000;

/**
 * A kind no object has: the `writes` of a controller that declares none, so its client refuses every write except
 * its `for` object's status and finalizers.
 */
const writesNothing = defineKind({
  group: 'spoke.dev',
  version: 'none',
  kind: 'Nothing',
  plural: '-',
  namespaced: false,
});

/** Where the manager's HTTP endpoints answer, once started. */
export interface ServingAddresses {
  /** e.g. `http://127.0.0.1:8080`, `https://...` with `secureMetrics`; undefined when disabled. */
  readonly metricsUrl?: string;
  readonly healthProbeUrl?: string;
}

interface Registered {
  readonly metadata: ControllerMetadata;
  readonly loop: ControllerLoop;
  readonly recorder: ApiEventRecorder;
}

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
  private readonly options: ManagerOptions;
  private readonly controllers: Registered[] = [];
  private readonly healthChecks = new Map<string, Checker>([['ping', ping]]);
  private readonly readyChecks = new Map<string, Checker>();
  private readonly elector: LeaderElector | undefined;
  private synced = false;
  private started = false;
  /** Set when writes must stop (lease lost, shutdown past drain): every controller's client refuses writes. */
  private fenceError: Error | undefined;
  private readonly servingAddresses: Promise<ServingAddresses>;
  private resolveServing!: (addresses: ServingAddresses) => void;
  private readonly electedPromise: Promise<void>;
  private resolveElected!: () => void;

  private constructor(options: ManagerOptions) {
    this.options = options;
    this.name = options.name ?? 'spoke-manager';
    this.kubeConfig = options.kubeConfig ?? Manager.defaultKubeConfig();
    this.logger = options.logger ?? newLogger();
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
    this.client = new KubeClient({ kubeConfig: this.kubeConfig, cache: this.cache, fieldManager: this.name });
    this.container = rootContainer.createChildContainer();
    this.container.registerInstance(KubeConfig, this.kubeConfig);
    this.servingAddresses = new Promise((resolve) => (this.resolveServing = resolve));
    this.electedPromise = new Promise((resolve) => (this.resolveElected = resolve));
    this.readyChecks.set('informers', () => {
      this.checkInformers();
    });
    this.elector = options.leaderElection && this.newElector(options.leaderElection);
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
   * creates its informers, so that the cache syncs them before any controller starts.
   */
  register(...classes: ReconcilerClass[]): this {
    if (this.started) throw new Error('register controllers before starting the manager');
    for (const cls of classes) {
      const metadata = getControllerMetadata(cls);
      if (!metadata) throw new Error(`${cls.name} is not a controller: decorate it with @Controller({...})`);
      if (this.controllers.some((c) => c.metadata.name === metadata.name)) {
        throw new Error(`a controller named ${metadata.name} is already registered`);
      }
      const child = this.container.createChildContainer();
      const fenced = new FencedClient(this.client, () => this.fenceError);
      const client = newSingleWriterClient(fenced, {
        controller: metadata.name,
        writes: metadata.writes ?? writesNothing,
        for: metadata.for,
      });
      const recorder = new ApiEventRecorder({
        kubeConfig: this.kubeConfig,
        reportingController: `${this.name}/${metadata.name}`,
        reportingInstance: this.elector?.identity ?? hostname(),
        logger: this.logger,
      });
      // Abstract classes are tokens by identity; tsyringe's types only admit concrete constructors.
      child.registerInstance(Client as unknown as InjectionToken<Client>, client);
      child.registerInstance(EventRecorder as unknown as InjectionToken<EventRecorder>, recorder);
      const reconciler = child.resolve(cls as unknown as new (...args: unknown[]) => Reconciler);
      const loop = new ControllerLoop({ metadata, reconciler, cache: this.cache, logger: this.logger });
      this.controllers.push({ metadata, loop, recorder });
      this.logger.info('registered controller', { controller: metadata.name, for: kindName(metadata.for) });
    }
    return this;
  }

  /** The declarations of the registered controllers (for RBAC generation and diagnostics). */
  get controllerMetadata(): readonly ControllerMetadata[] {
    return this.controllers.map((c) => c.metadata);
  }

  /** Adds a `/healthz` check (liveness: failing restarts the pod). */
  addHealthzCheck(name: string, check: Checker): this {
    this.healthChecks.set(name, check);
    return this;
  }

  /** Adds a `/readyz` check (readiness). The built-in `informers` check fails until the cache has synced. */
  addReadyzCheck(name: string, check: Checker): this {
    this.readyChecks.set(name, check);
    return this;
  }

  /** Resolves with the servers' URLs once they listen (early in `start`). */
  serving(): Promise<ServingAddresses> {
    return this.servingAddresses;
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
   * at once and rejects with {@link LeaderElectionLostError}). Rejects with {@link CacheSyncTimeoutError} if the
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

    const servers = await this.startServers();
    const cacheStop = new AbortController();
    const cacheRun = this.cache.start(cacheStop.signal);
    const electorStop = new AbortController();
    let electorRun: Promise<void> | undefined;
    let lost: LeaderElectionLostError | undefined;
    let unsynced: CacheSyncTimeoutError | undefined;
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
        if (this.elector) {
          const elector = this.elector;
          this.onLeadership = (leading) => {
            if (leading) {
              this.startControllers();
            } else if (!stop.signal.aborted) {
              lost = new LeaderElectionLostError(
                `leader election lost: lease ${this.leaseName()} is no longer held`,
              );
              this.fenceError = lost;
              this.logger.error('leader election lost; stopping reconciles', { identity: elector.identity });
              for (const c of this.controllers) void c.loop.stop('abort', lost);
              stop.abort(lost);
            }
          };
          electorRun = elector.run(electorStop.signal);
        } else {
          this.startControllers();
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
      await this.shutdown(electorStop, electorRun, cacheStop, cacheRun, servers);
    }
    if (lost) throw lost;
    if (unsynced) throw unsynced;
  }

  private onLeadership: (leading: boolean) => void = () => undefined;

  private newElector(le: LeaderElectionOptions): LeaderElector {
    return new LeaderElector({
      kubeConfig: this.kubeConfig,
      namespace: le.namespace ?? process.env['POD_NAMESPACE'] ?? inClusterNamespace() ?? 'default',
      name: le.id,
      ...(le.identity === undefined ? {} : { identity: le.identity }),
      ...(le.leaseDurationMs === undefined ? {} : { leaseDurationMs: le.leaseDurationMs }),
      ...(le.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: le.renewDeadlineMs }),
      ...(le.retryPeriodMs === undefined ? {} : { retryPeriodMs: le.retryPeriodMs }),
      releaseOnCancel: le.releaseOnCancel ?? false,
      logger: this.logger,
      callbacks: {
        onStartedLeading: () => {
          this.onLeadership(true);
        },
        onStoppedLeading: () => {
          this.onLeadership(false);
        },
      },
    });
  }

  private leaseName(): string {
    return `${this.options.leaderElection?.namespace ?? ''}/${this.options.leaderElection?.id ?? ''}`;
  }

  private startControllers(): void {
    this.resolveElected();
    for (const c of this.controllers) {
      c.loop.start().catch((err: unknown) => {
        this.logger.error('controller failed to start', {
          controller: c.metadata.name,
          error: errorMessage(err),
        });
      });
    }
  }

  private async startServers(): Promise<RunningServer[]> {
    const servers: RunningServer[] = [];
    const metricsAddress = parseBindAddress(this.options.metricsBindAddress ?? ':8080');
    const probeAddress = parseBindAddress(this.options.healthProbeBindAddress ?? ':8081');
    let metricsUrl: string | undefined;
    let healthProbeUrl: string | undefined;
    if (metricsAddress) {
      const secure = this.options.secureMetrics ?? false;
      const serveMetrics: RequestHandler = async (_req, res) => {
        const body = await metricsRegistry.metrics();
        res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body);
      };
      const filter = secure
        ? withAuthenticationAndAuthorization({ kubeConfig: this.kubeConfig, logger: this.logger })
        : undefined;
      const filtered = filter ? filter(serveMetrics) : serveMetrics;
      // Unknown paths get 404 without authentication, as controller-runtime's mux.
      const handler: RequestHandler = async (req, res) => {
        if (new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') res.writeHead(404).end();
        else await filtered(req, res);
      };
      const server = secure
        ? await SecureMetricsServer.listen({
            address: metricsAddress,
            handler,
            logger: this.logger,
            ...(this.options.metricsCertDir === undefined ? {} : { certDir: this.options.metricsCertDir }),
            certName: this.options.metricsCertName,
            keyName: this.options.metricsKeyName,
          })
        : await listen(metricsAddress, handler);
      servers.push(server);
      metricsUrl = server.url;
      this.logger.info('serving metrics', { url: `${server.url}/metrics`, secure });
    }
    if (probeAddress) {
      const server = await listen(
        probeAddress,
        probeHandler(
          new Map([
            ['/healthz', this.healthChecks],
            ['/readyz', this.readyChecks],
          ]),
        ),
      );
      servers.push(server);
      healthProbeUrl = server.url;
      this.logger.info('serving health probes', { url: server.url });
    }
    this.resolveServing({
      ...(metricsUrl === undefined ? {} : { metricsUrl }),
      ...(healthProbeUrl === undefined ? {} : { healthProbeUrl }),
    });
    return servers;
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
    servers: RunningServer[],
  ): Promise<void> {
    const timeoutMs = this.options.gracefulShutdownTimeoutMs ?? 30_000;
    this.logger.info('stopping: draining in-flight reconciles', { gracefulShutdownTimeoutMs: timeoutMs });
    // Stop intake and let in-flight reconciles finish, still as leader (the elector keeps renewing meanwhile).
    const drained = Promise.all(this.controllers.map((c) => c.loop.stop('drain')));
    const timedOut = await Promise.race([drained.then(() => false), sleep(timeoutMs, true, { ref: false })]);
    if (timedOut) {
      this.logger.warn('graceful shutdown timed out; aborting in-flight reconciles', {
        gracefulShutdownTimeoutMs: timeoutMs,
      });
      for (const c of this.controllers) void c.loop.stop('abort');
    }
    // No write may follow the lease release: fence before letting the elector go.
    this.fenceError ??= new Error('the manager is shutting down');
    electorStop.abort();
    await electorRun;
    await Promise.race([
      Promise.all(this.controllers.map((c) => c.recorder.flush())),
      sleep(5_000, undefined, { ref: false }),
    ]);
    cacheStop.abort();
    await cacheRun;
    await Promise.all(servers.map((s) => s.close()));
    this.logger.info('manager stopped');
  }

  private static defaultKubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc;
  }
}

function kindName(kind: ResourceKind): string {
  return `${kind.apiVersion} ${kind.kind}`;
}
