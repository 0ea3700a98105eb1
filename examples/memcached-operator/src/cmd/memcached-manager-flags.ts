import { valueFlag } from '@spoke/manager';

const logLevels = ['error', 'warn', 'info', 'debug'] as const;

/** A winston level the memcached manager's `--log-level` accepts. */
export type LogLevel = (typeof logLevels)[number];

/**
 * The memcached manager's own flags, besides kubebuilder's and the zap flags (see `parseManagerFlags`):
 * - `--log-level`: error, warn, info or debug, winston's names. It predates `--zap-log-level` and is kept for the
 *   scripts and tests that pass it; when given, it wins over `--zap-log-level`.
 */
export const memcachedManagerFlags = {
  'log-level': valueFlag<LogLevel | undefined>({
    usage:
      "The lowest level logged, in winston's words: error, warn, info or debug. Overrides --zap-log-level.",
    default: undefined,
    parse: (text) => {
      const level = logLevels.find((l) => l === text);
      if (!level) throw new Error(`must be one of ${logLevels.join(', ')}`);
      return level;
    },
  }),
};
