import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import type { Checker } from '../healthz/checker.js';
import { ping } from '../healthz/checker.js';
import { probeHandler } from '../healthz/probe-handler.js';
import { listen, parseBindAddress, type RunningServer } from '../internal/http/http-server.js';
import {
  withAuthenticationAndAuthorization,
  type RequestHandler,
} from '../metrics/filters/authentication-and-authorization-filter.js';
// The barrel, not registry.js: it loads every metric the manager serves, client-go's rest_client_* among them.
import { metricsRegistry } from '../metrics/index.js';
import { SecureMetricsServer } from '../metrics/server/secure-metrics-server.js';

/** Where the manager's HTTP endpoints answer, once started. */
export interface ServingAddresses {
  /** e.g. `http://127.0.0.1:8080`, `https://...` with `secureMetrics`; undefined when disabled. */
  readonly metricsUrl?: string;
  readonly healthProbeUrl?: string;
  /** e.g. `https://127.0.0.1:9443` when webhooks are registered (set by the manager once its webhook server listens). */
  readonly webhookUrl?: string;
}

/** What {@link ManagerServers} serve, from the manager's options. */
export interface ManagerServersOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** `host:port`; `0` disables. */
  readonly metricsBindAddress: string;
  readonly healthProbeBindAddress: string;
  readonly secureMetrics: boolean;
  readonly metricsCertDir?: string;
  readonly metricsCertName?: string;
  readonly metricsKeyName?: string;
}

/**
 * The manager's HTTP servers: `/metrics` (plain, or HTTPS behind TokenReview + SubjectAccessReview) and the
 * `/healthz` and `/readyz` probes with their checks.
 */
export class ManagerServers {
  readonly #options: ManagerServersOptions;
  readonly #healthChecks = new Map<string, Checker>([['ping', ping]]);
  readonly #readyChecks = new Map<string, Checker>();
  readonly #running: RunningServer[] = [];
  readonly #serving: Promise<ServingAddresses>;
  #resolveServing!: (addresses: ServingAddresses) => void;

  constructor(options: ManagerServersOptions) {
    this.#options = options;
    this.#serving = new Promise((resolve) => (this.#resolveServing = resolve));
  }

  /** Adds a `/healthz` check (liveness: failing restarts the pod). */
  addHealthzCheck(name: string, check: Checker): void {
    this.#healthChecks.set(name, check);
  }

  /** Adds a `/readyz` check (readiness). */
  addReadyzCheck(name: string, check: Checker): void {
    this.#readyChecks.set(name, check);
  }

  /** Resolves with the servers' URLs once they listen. */
  serving(): Promise<ServingAddresses> {
    return this.#serving;
  }

  /** Binds the enabled servers; rejects (binding nothing further) when an address is taken or invalid. */
  async start(): Promise<void> {
    const { logger } = this.#options;
    const metricsAddress = parseBindAddress(this.#options.metricsBindAddress);
    const probeAddress = parseBindAddress(this.#options.healthProbeBindAddress);
    let metricsUrl: string | undefined;
    let healthProbeUrl: string | undefined;
    if (metricsAddress) {
      const server = await this.listenMetrics(metricsAddress);
      this.#running.push(server);
      metricsUrl = server.url;
      logger.info('serving metrics', { url: `${server.url}/metrics`, secure: this.#options.secureMetrics });
    }
    if (probeAddress) {
      const server = await listen(
        probeAddress,
        probeHandler(
          new Map([
            ['/healthz', this.#healthChecks],
            ['/readyz', this.#readyChecks],
          ]),
        ),
      );
      this.#running.push(server);
      healthProbeUrl = server.url;
      logger.info('serving health probes', { url: server.url });
    }
    this.#resolveServing({
      ...(metricsUrl === undefined ? {} : { metricsUrl }),
      ...(healthProbeUrl === undefined ? {} : { healthProbeUrl }),
    });
  }

  /** Closes every server started. */
  async close(): Promise<void> {
    await Promise.all(this.#running.splice(0).map((s) => s.close()));
  }

  private async listenMetrics(
    address: NonNullable<ReturnType<typeof parseBindAddress>>,
  ): Promise<RunningServer> {
    const { secureMetrics, kubeConfig, logger, metricsCertDir, metricsCertName, metricsKeyName } =
      this.#options;
    const serveMetrics: RequestHandler = async (_req, res) => {
      const body = await metricsRegistry.metrics();
      res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body);
    };
    const filtered = secureMetrics
      ? withAuthenticationAndAuthorization({ kubeConfig, logger })(serveMetrics)
      : serveMetrics;
    // Unknown paths get 404 without authentication, as controller-runtime's mux.
    const handler: RequestHandler = async (req, res) => {
      if (new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') res.writeHead(404).end();
      else await filtered(req, res);
    };
    return secureMetrics
      ? SecureMetricsServer.listen({
          address,
          handler,
          logger,
          ...(metricsCertDir === undefined ? {} : { certDir: metricsCertDir }),
          certName: metricsCertName,
          keyName: metricsKeyName,
        })
      : listen(address, handler);
  }
}
