import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { Logger } from 'winston';
import { CertWatcher } from '../../certwatcher/cert-watcher.js';
import { answeringErrors, serve, type RunningServer } from '../../internal/http/http-server.js';
import type { RequestHandler } from '../filters/authentication-and-authorization-filter.js';
import { generateSelfSignedCertificate } from './self-signed-certificate.js';

/** Options of {@link SecureMetricsServer.listen}. */
export interface SecureMetricsServerOptions {
  /** Where to listen; port 0 picks a free one. */
  readonly address: { readonly host: string | undefined; readonly port: number };
  /** Serves every request (route and filter inside it). */
  readonly handler: RequestHandler;
  /**
   * A directory with `tls.crt` and `tls.key` (a mounted kubernetes.io/tls Secret): served, and reloaded when they
   * change. Default none; without it, or without both files in it, a self-signed certificate made at startup.
   */
  readonly certDir?: string;
  /** The certificate's file name in `certDir`. Default `tls.crt`. */
  readonly certName?: string;
  /** The key's file name in `certDir`. Default `tls.key`. */
  readonly keyName?: string;
  readonly logger: Logger;
  /** How often the certificate files are checked for changes. Default 10 s. */
  readonly certPollIntervalMs?: number;
}

// TLS 1.2 at least, as controller-runtime's (Go's default); node's default too, but not under --tls-min-v1.0.
const minVersion = 'TLSv1.2';

/**
 * The HTTPS listener of the metrics endpoint when served securely (controller-runtime's `SecureServing`): TLS only,
 * with the certificate from `certDir` or a self-signed one. Plain HTTP on its port gets no answer.
 */
export class SecureMetricsServer {
  private constructor(
    private readonly running: RunningServer,
    /** The PEM certificate served at startup. */
    readonly certificate: string,
    private readonly stopWatching: () => void,
  ) {}

  /** Loads or makes the certificate, then listens; resolves once bound. */
  static async listen(options: SecureMetricsServerOptions): Promise<SecureMetricsServer> {
    const files = certificateFiles(options.certDir, options.certName, options.keyName);
    // Set once listening; the watcher only calls back after start().
    const listening: { server?: Server } = {};
    const watcher = files
      ? CertWatcher.load({
          certPath: files.cert,
          keyPath: files.key,
          logger: options.logger,
          pollIntervalMs: options.certPollIntervalMs ?? 10_000,
          onChange: (pair) => {
            listening.server?.setSecureContext({ ...pair, minVersion });
            // A scraper's kept-alive connection would go on with the old certificate.
            listening.server?.closeIdleConnections();
          },
        })
      : undefined;
    const credentials = watcher ? watcher.current : await generateSelfSignedCertificate();
    options.logger.info(
      files
        ? 'metrics: serving the certificate in the certificate directory'
        : 'metrics: serving a self-signed certificate',
      files ? { cert: files.cert, key: files.key } : { certDir: options.certDir ?? '(none)' },
    );
    const server = createServer({ ...credentials, minVersion }, answeringErrors(options.handler));
    listening.server = server;
    const running = await serve(server, options.address, 'https');
    watcher?.start();
    return new SecureMetricsServer(running, credentials.cert, () => watcher?.stop());
  }

  /** e.g. `https://127.0.0.1:8443`. */
  get url(): string {
    return this.running.url;
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    this.stopWatching();
    return this.running.close();
  }
}

interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** The certificate and key in `dir` when both exist (as controller-runtime, one alone does not count). */
function certificateFiles(
  dir: string | undefined,
  certName = 'tls.crt',
  keyName = 'tls.key',
): CertificateFiles | undefined {
  if (dir === undefined) return undefined;
  const files = { cert: join(dir, certName), key: join(dir, keyName) };
  return existsSync(files.cert) && existsSync(files.key) ? files : undefined;
}
