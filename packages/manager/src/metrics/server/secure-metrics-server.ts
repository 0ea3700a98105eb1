import { existsSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'winston';
import { answeringErrors, serve, type RunningServer } from '../../internal/http/http-server.js';
import type { RequestHandler } from '../filters/authentication-and-authorization-filter.js';
import { generateSelfSignedCertificate } from './self-signed-certificate.js';
import { errorMessage } from '../../internal/errors/error-message.js';

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
    const credentials = files ? readCredentials(files) : await generateSelfSignedCertificate();
    options.logger.info(
      files
        ? 'metrics: serving the certificate in the certificate directory'
        : 'metrics: serving a self-signed certificate',
      files ? { cert: files.cert, key: files.key } : { certDir: options.certDir ?? '(none)' },
    );
    const server = createServer({ ...credentials, minVersion }, answeringErrors(options.handler));
    const running = await serve(server, options.address, 'https');
    const stopWatching = files
      ? watchCredentials(server, files, options.logger, options.certPollIntervalMs ?? 10_000)
      : () => undefined;
    return new SecureMetricsServer(running, credentials.cert, stopWatching);
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

function readCredentials(files: CertificateFiles): { cert: string; key: string } {
  return { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
}

/**
 * Serves new connections with the files' new contents once they change (cert-manager renewing a mounted Secret),
 * as controller-runtime's certwatcher; a half-written or mismatched pair is logged and the old one kept.
 */
function watchCredentials(
  server: Server,
  files: CertificateFiles,
  logger: Logger,
  intervalMs: number,
): () => void {
  const reload = () => {
    try {
      const context: SecureContextOptions = { ...readCredentials(files), minVersion };
      server.setSecureContext(context);
      logger.info('metrics: reloaded the serving certificate', { cert: files.cert });
    } catch (err: unknown) {
      logger.warn('metrics: keeping the previous serving certificate', {
        error: errorMessage(err),
      });
    }
  };
  const options = { interval: intervalMs, persistent: false };
  watchFile(files.cert, options, reload);
  watchFile(files.key, options, reload);
  return () => {
    unwatchFile(files.cert, reload);
    unwatchFile(files.key, reload);
  };
}
