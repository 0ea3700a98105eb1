import winston, { type Logger } from 'winston';
import { gateDisabledLevels } from './gate-disabled-levels.js';

/** Options of {@link newLogger}. */
export interface LoggerOptions {
  /** Lowest level written: `error`, `warn`, `info`, `debug`... Default `info`, or `$LOG_LEVEL` when set. */
  readonly level?: string;
  /** Fields on every line, e.g. `{ component: 'memcached-operator' }`. Default none. */
  readonly defaultMeta?: Readonly<Record<string, unknown>>;
  /** Where lines go. Default one JSON line per entry on stderr, as controller-runtime's zap logger. */
  readonly transports?: winston.transport[];
}

/**
 * A structured JSON logger: one object per line with `level`, `message`, `timestamp` and the fields of the entry.
 * Controllers log through children of it carrying `controller`, `namespace`, `name` and `reconcileID`, so that one
 * reconcile's lines can be found with a single filter. A call at a disabled level costs nothing (no formatting).
 */
export function newLogger(options: LoggerOptions = {}): Logger {
  const logger = winston.createLogger({
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    defaultMeta: { ...options.defaultMeta },
    transports: options.transports ?? [
      new winston.transports.Console({
        stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
      }),
    ],
  });
  return gateDisabledLevels(logger);
}
