/**
 * One health or readiness check, as controller-runtime's `healthz.Checker`: resolve when healthy, throw (or reject)
 * with a message saying what is wrong when not. Checks run on every probe, so they must be cheap and local.
 */
export type Checker = () => void | Promise<void>;

/** Always healthy: the process answers HTTP, which is what a liveness probe needs to know. */
export const ping: Checker = () => undefined;
