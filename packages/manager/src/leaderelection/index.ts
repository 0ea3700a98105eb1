export { LeaderElector, defaultLeaderIdentity } from './leader-elector.js';
export type { LeaderElectorOptions, LeaderCallbacks } from './leader-elector-options.js';
