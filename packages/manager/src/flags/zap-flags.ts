import { boolFlag, valueFlag, type FlagDefinition } from './flag-definition.js';

/**
 * A zap level as zapcore numbers it: `-1` debug, `0` info, `1` warn, `2` error, `4` panic; `-N` is logr's
 * verbosity `V(N)`, so `--zap-log-level=3` is `-3`. {@link newLoggerFromFlags} maps it onto winston's levels.
 */
export type ZapLevel = number;

/** `--zap-encoder`: `json` (one object per line) or `console` (tab-separated, for a terminal). */
export type ZapEncoder = 'json' | 'console';

/** `--zap-time-encoding`: seconds, milliseconds or nanoseconds since the epoch as a number, or a date text. */
export type ZapTimeEncoding = 'epoch' | 'millis' | 'nanos' | 'iso8601' | 'rfc3339' | 'rfc3339nano';

/**
 * The logging flags of controller-runtime's `zap.Options.BindFlags`, as given: undefined means "not given", and
 * then `devel` chooses the default, as in controller-runtime (development: console, debug, stack traces from
 * warn; production: json, info, stack traces from error).
 */
export interface ZapFlags {
  /** `--zap-devel`: development defaults. */
  readonly devel: boolean;
  /** `--zap-encoder`. */
  readonly encoder: ZapEncoder | undefined;
  /** `--zap-log-level`: `debug`, `info`, `error`, `panic`, or an integer N > 0 (verbosity N). */
  readonly logLevel: ZapLevel | undefined;
  /** `--zap-stacktrace-level`: `info`, `error` or `panic`; lines at or above it keep an error's stack. */
  readonly stacktraceLevel: ZapLevel | undefined;
  /** `--zap-time-encoding`. Default: ISO 8601 in UTC with milliseconds (see {@link newLoggerFromFlags}). */
  readonly timeEncoding: ZapTimeEncoding | undefined;
}

const levelNames: ReadonlyMap<string, ZapLevel> = new Map([
  ['debug', -1],
  ['info', 0],
  ['error', 2],
  ['panic', 4],
]);
const stacktraceLevelNames: ReadonlyMap<string, ZapLevel> = new Map([
  ['info', 0],
  ['error', 2],
  ['panic', 4],
]);
const encoders: readonly ZapEncoder[] = ['json', 'console'];
const timeEncodings: readonly ZapTimeEncoding[] = [
  'epoch',
  'millis',
  'nanos',
  'iso8601',
  'rfc3339',
  'rfc3339nano',
];

/** `--zap-log-level`'s parse: a name (any case), or a positive decimal integer (Go's `strconv.Atoi`). */
function parseLevel(text: string): ZapLevel {
  const named = levelNames.get(text.toLowerCase());
  if (named !== undefined) return named;
  const verbosity = /^\+?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(verbosity > 0) || !Number.isSafeInteger(verbosity)) throw new Error(`invalid log level "${text}"`);
  return -verbosity;
}

/**
 * The zap flags' definitions, named and described as controller-runtime's; `devel` is `--zap-devel`'s default
 * (kubebuilder's scaffold sets `Development: true`; Spoke's managers default to false, structured JSON).
 */
export function zapFlagDefinitions(devel: boolean): {
  readonly 'zap-devel': FlagDefinition<boolean>;
  readonly 'zap-encoder': FlagDefinition<ZapEncoder | undefined>;
  readonly 'zap-log-level': FlagDefinition<ZapLevel | undefined>;
  readonly 'zap-stacktrace-level': FlagDefinition<ZapLevel | undefined>;
  readonly 'zap-time-encoding': FlagDefinition<ZapTimeEncoding | undefined>;
} {
  return {
    'zap-devel': boolFlag(
      devel,
      'Development defaults: console encoder, debug level, stack traces from warn. Otherwise production ' +
        'defaults: json encoder, info level, stack traces from error.',
    ),
    'zap-encoder': valueFlag<ZapEncoder | undefined>({
      usage: "Log encoding: 'json' (one object per line) or 'console' (for a terminal).",
      default: undefined,
      parse: (text) => {
        const encoder = encoders.find((e) => e === text.toLowerCase());
        if (!encoder) throw new Error(`invalid encoder value "${text}"`);
        return encoder;
      },
    }),
    'zap-log-level': valueFlag<ZapLevel | undefined>({
      usage:
        "Lowest level logged: 'debug', 'info', 'error', 'panic', or an integer N > 0 for debug verbosity N " +
        '(1 is debug, 2 and more log everything).',
      default: undefined,
      parse: parseLevel,
    }),
    'zap-stacktrace-level': valueFlag<ZapLevel | undefined>({
      usage: "Lowest level whose lines keep an error's stack trace: 'info', 'error' or 'panic'.",
      default: undefined,
      parse: (text) => {
        const level = stacktraceLevelNames.get(text.toLowerCase());
        if (level === undefined) throw new Error(`invalid stacktrace level "${text}"`);
        return level;
      },
    }),
    'zap-time-encoding': valueFlag<ZapTimeEncoding | undefined>({
      usage:
        "Timestamp format: 'epoch', 'millis', 'nanos', 'iso8601', 'rfc3339' or 'rfc3339nano'. " +
        'Default ISO 8601 in UTC with milliseconds.',
      default: undefined,
      parse: (text) => {
        const encoding = timeEncodings.find((e) => e === text.toLowerCase());
        if (!encoding) throw new Error(`invalid time-encoding value "${text}"`);
        return encoding;
      },
    }),
  };
}
