import { gateDisabledLevels } from '../log/gate-disabled-levels.js';
import winston, { type Logger } from 'winston';
import type { LoggerOptions } from '../log/index.js';
import type { ManagerFlags } from './manager-flags.js';
import type { ZapFlags, ZapLevel, ZapTimeEncoding } from './zap-flags.js';

/** winston's npm levels, most severe first, as `winston.config.npm.levels` numbers them. */
const winstonLevels: Readonly<Record<string, number>> = winston.config.npm.levels;

/**
 * The winston level that logs what a zap level does, or `silent`:
 * - `error` (2) → `error`; warn (1) → `warn`; `info` (0) → `info`;
 * - `debug` and verbosity 1 (-1) → `debug` (with winston's `http` and `verbose`, which sit between info and debug);
 * - verbosity 2 and more (≤ -2) → `silly`, everything;
 * - `panic` (4) and other levels above error → `silent`: a Spoke manager never panics, so nothing is logged, as a Go
 *   manager at `panic` logs nothing short of a panic.
 */
export function winstonLevelOfZap(level: ZapLevel): string {
  if (level <= -2) return 'silly';
  if (level === -1) return 'debug';
  if (level === 0) return 'info';
  if (level === 1) return 'warn';
  if (level === 2) return 'error';
  return 'silent';
}

/** What a logger built from the zap flags does, after controller-runtime's development/production defaults. */
export interface ZapLoggerSettings {
  readonly encoder: 'json' | 'console';
  /** A winston level, or `silent`. */
  readonly level: string;
  /** Lines at this winston level or more severe keep an error's `stack`; `silent`: none do. */
  readonly stacktraceLevel: string;
  readonly timeEncoding: ZapTimeEncoding | undefined;
}

/** The zap flags resolved as controller-runtime's `Options.addDefaults` does, on winston's levels. */
export function zapLoggerSettings(zap: ZapFlags): ZapLoggerSettings {
  return {
    encoder: zap.encoder ?? (zap.devel ? 'console' : 'json'),
    level: winstonLevelOfZap(zap.logLevel ?? (zap.devel ? -1 : 0)),
    stacktraceLevel: winstonLevelOfZap(zap.stacktraceLevel ?? (zap.devel ? 1 : 2)),
    timeEncoding: zap.timeEncoding,
  };
}

/**
 * A timestamp as `--zap-time-encoding` asks (numbers for the epoch encodings, text otherwise), always in UTC (a
 * container's zone); default ISO 8601 with milliseconds, which is RFC 3339 too. controller-runtime's default is
 * `rfc3339` in whole seconds; milliseconds are kept because a reconcile's lines often share a second.
 */
export function formatTimestamp(encoding: ZapTimeEncoding | undefined, date: Date): string | number {
  const ms = date.getTime();
  switch (encoding) {
    case 'epoch':
      return ms / 1000;
    case 'millis':
      return ms;
    case 'nanos':
      return ms * 1e6;
    case 'rfc3339':
      return `${date.toISOString().slice(0, 19)}Z`;
    case 'rfc3339nano':
      // Go's RFC3339Nano drops trailing zeros of the fraction, and the fraction with them.
      return date.toISOString().replace(/\.?0*Z$/, 'Z');
    case 'iso8601':
    case undefined:
      return date.toISOString();
  }
}

/** Sets `timestamp` as the time encoding asks. */
function timestamp(encoding: ZapTimeEncoding | undefined): winston.Logform.Format {
  return winston.format((info) => {
    info['timestamp'] = formatTimestamp(encoding, new Date());
    return info;
  })();
}

/** Drops an error's `stack` from lines less severe than the stack trace level (`--zap-stacktrace-level`). */
function stacktraceLevel(level: string): winston.Logform.Format {
  const threshold = winstonLevels[level] ?? -1;
  return winston.format((info) => {
    if ((winstonLevels[info.level] ?? Infinity) > threshold) delete info['stack'];
    return info;
  })();
}

/**
 * zap's console encoder's shape, for a terminal: `time LEVEL logger message {fields}` separated by tabs, the stack
 * on the lines after.
 */
const consoleLine = winston.format((info) => {
  const { level, message, timestamp: time, logger, stack, ...fields } = info;
  const columns = [String(time), level.toUpperCase()];
  if (typeof logger === 'string' && logger !== '') columns.push(logger);
  columns.push(String(message));
  if (Object.keys(fields).length > 0) columns.push(JSON.stringify(fields, jsonReplacer));
  const line = columns.join('\t');
  info[Symbol.for('message')] = typeof stack === 'string' ? `${line}\n${stack}` : line;
  return info;
});

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * A winston logger configured by controller-runtime's zap flags (`--zap-devel`, `--zap-encoder`,
 * `--zap-log-level`, `--zap-stacktrace-level`, `--zap-time-encoding`): by default structured JSON lines on stderr
 * at `info` (`level`, `message`, `timestamp` and the entry's fields, as {@link newLogger}); with `--zap-devel` or
 * `--zap-encoder=console`, tab-separated lines for a terminal. See {@link winstonLevelOfZap} for the levels.
 * `options` override what the flags say (e.g. a program's own `--log-level`) and add `defaultMeta`.
 */
export function newLoggerFromFlags(flags: Pick<ManagerFlags, 'zap'>, options: LoggerOptions = {}): Logger {
  const settings = zapLoggerSettings(flags.zap);
  const level = options.level ?? settings.level;
  const logger = winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      timestamp(settings.timeEncoding),
      stacktraceLevel(settings.stacktraceLevel),
      settings.encoder === 'console' ? consoleLine() : winston.format.json(),
    ),
    defaultMeta: { ...options.defaultMeta },
    transports: options.transports ?? [
      new winston.transports.Console({ stderrLevels: Object.keys(winstonLevels) }),
    ],
  });
  return gateDisabledLevels(logger);
}
