export { Manager, type ServingAddresses } from './manager.js';
export type { ManagerOptions, LeaderElectionOptions, ManagerCacheOptions } from './manager-options.js';
export { LeaderElectionLostError } from './leader-election-lost-error.js';
export { CacheSyncTimeoutError } from './cache-sync-timeout-error.js';
export { setupSignalHandler } from './signal-handler.js';
