import { waitFor as envtestWaitFor } from '@spoke/envtest';

/** Polls `condition` every 25 ms until it holds; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  await envtestWaitFor(async () => (await condition()) || undefined, {
    description: what,
    timeoutMs,
    intervalMs: 25,
  });
}
