import { waitFor } from '@spoke/envtest';

/**
 * Polls `probe` until it returns a value (anything but `undefined` or `false`) and returns it; fails after
 * `timeoutMs` naming `what` and the probe's last error, so that a timeout explains itself.
 */
export function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  return waitFor(probe, { description: what, timeoutMs, intervalMs });
}
