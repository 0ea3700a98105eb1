import type { Logger } from 'winston';

type LogFunction = (this: Logger, ...args: unknown[]) => Logger;

/**
 * Makes calls at a disabled level return at once. Without it, winston runs every entry through the format (timestamp,
 * metadata merge, `JSON.stringify`) before its transports drop it by level: a `debug` line per reconcile at `info`
 * cost microseconds each. Enabled is winston's own `isLevelEnabled` (the logger's level, or a transport's own), read
 * per call so that setting `logger.level` later still works. Children (`logger.child(...)`) inherit the gate.
 */
export function gateDisabledLevels(logger: Logger): Logger {
  const target = logger as unknown as Record<string, LogFunction>;
  for (const level of Object.keys(logger.levels)) {
    const write = target[level];
    if (typeof write !== 'function') continue;
    target[level] = function (this: Logger, ...args: unknown[]): Logger {
      return this.isLevelEnabled(level) ? write.apply(this, args) : this;
    };
  }
  const log = target['log'] as LogFunction;
  target['log'] = function (this: Logger, ...args: unknown[]): Logger {
    const first = args[0];
    const level =
      typeof first === 'string' ? first : (first as { level?: unknown } | null | undefined)?.level;
    if (typeof level === 'string' && !this.isLevelEnabled(level)) return this;
    return log.apply(this, args);
  };
  return logger;
}
