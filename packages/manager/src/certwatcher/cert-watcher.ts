import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'winston';
import { errorMessage } from '../internal/errors/error-message.js';

/** A PEM certificate (chain) and its PEM private key. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/** Options of {@link CertWatcher.load}. */
export interface CertWatcherOptions {
  readonly certPath: string;
  readonly keyPath: string;
  readonly logger: Logger;
  /**
   * How often the files are read again besides the file-system events, as controller-runtime's certwatcher (which
   * polls every 10 s because fsnotify misses some updates, e.g. a Secret volume's symlink swap on some file
   * systems). Default 10 000 ms.
   */
  readonly pollIntervalMs?: number;
  /** Called with each new valid pair, after it became {@link CertWatcher.current}. */
  readonly onChange?: (pair: CertificatePair) => void;
}

/** How long after a file-system event the files are read: both are usually rewritten together. */
const settleMs = 100;

/**
 * Reads a certificate and key from files and keeps them current, as controller-runtime's `certwatcher`: it watches the
 * directory (fs.watch: a kubelet-updated Secret volume swaps a symlink, which a watch on the files would miss) and
 * polls besides. A pair that does not parse, or whose key does not match the certificate (half written, or the files
 * written one at a time), is logged and the previous pair kept; the next event or poll tries again.
 */
export class CertWatcher {
  #current: CertificatePair;
  #lastRejected: string | undefined;
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #settle: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: CertWatcherOptions,
    initial: CertificatePair,
  ) {
    this.#current = initial;
  }

  /** Reads and checks the pair (throwing when it is unusable: a server must not start without one). */
  static load(options: CertWatcherOptions): CertWatcher {
    const pair = readPair(options.certPath, options.keyPath);
    checkPair(pair);
    return new CertWatcher(options, pair);
  }

  /** The pair in use. */
  get current(): CertificatePair {
    return this.#current;
  }

  /** Starts watching and polling; neither keeps the process alive. */
  start(): void {
    if (this.#poll) return;
    const { certPath, logger } = this.options;
    try {
      this.#watcher = watch(dirname(certPath), { persistent: false }, () => {
        this.scheduleReload();
      });
      this.#watcher.on('error', (err) => {
        logger.warn('certwatcher: watching the certificate directory failed; polling only', {
          dir: dirname(certPath),
          error: err.message,
        });
        this.#watcher?.close();
        this.#watcher = undefined;
      });
    } catch (err: unknown) {
      logger.warn('certwatcher: cannot watch the certificate directory; polling only', {
        dir: dirname(certPath),
        error: errorMessage(err),
      });
    }
    this.#poll = setInterval(() => {
      this.reload();
    }, this.options.pollIntervalMs ?? 10_000);
    this.#poll.unref();
  }

  /** Stops watching and polling. */
  stop(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    clearInterval(this.#poll);
    this.#poll = undefined;
    clearTimeout(this.#settle);
  }

  /**
   * Reads the files now; returns whether a new pair was taken. A read or check failure keeps the current pair and is
   * logged once per distinct content (a poll must not log the same broken pair every interval).
   */
  reload(): boolean {
    const { certPath, keyPath, logger } = this.options;
    let pair: CertificatePair;
    try {
      pair = readPair(certPath, keyPath);
    } catch (err: unknown) {
      this.reject(`read:${errorMessage(err)}`, err);
      return false;
    }
    if (pair.cert === this.#current.cert && pair.key === this.#current.key) return false;
    try {
      checkPair(pair);
    } catch (err: unknown) {
      this.reject(pair.cert + pair.key, err);
      return false;
    }
    this.#current = pair;
    this.#lastRejected = undefined;
    logger.info('certwatcher: loaded a new certificate', { cert: certPath, key: keyPath });
    try {
      this.options.onChange?.(pair);
    } catch (err: unknown) {
      // Called from a timer: a throw here would crash the process.
      logger.error('certwatcher: applying the new certificate failed', {
        cert: certPath,
        error: errorMessage(err),
      });
    }
    return true;
  }

  private reject(signature: string, err: unknown): void {
    if (this.#lastRejected === signature) return;
    this.#lastRejected = signature;
    this.options.logger.error('certwatcher: keeping the previous certificate', {
      cert: this.options.certPath,
      key: this.options.keyPath,
      error: errorMessage(err),
    });
  }

  private scheduleReload(): void {
    clearTimeout(this.#settle);
    this.#settle = setTimeout(() => {
      this.reload();
    }, settleMs);
    this.#settle.unref();
  }
}

function readPair(certPath: string, keyPath: string): CertificatePair {
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

/** Throws unless the certificate parses, the key parses and is the certificate's, and TLS accepts them together. */
function checkPair(pair: CertificatePair): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pair.cert);
  } catch (err: unknown) {
    throw new Error(`the certificate does not parse: ${errorMessage(err)}`, { cause: err });
  }
  let key;
  try {
    key = createPrivateKey(pair.key);
  } catch (err: unknown) {
    throw new Error(`the key does not parse: ${errorMessage(err)}`, { cause: err });
  }
  if (!certificate.checkPrivateKey(key)) throw new Error('the key does not match the certificate');
  createSecureContext({ cert: pair.cert, key: pair.key });
}
