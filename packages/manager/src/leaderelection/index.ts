export { LeaderElector } from './leader-elector.js';
export type { LeaderElectorOptions, LeaderCallbacks } from './leader-elector-options.js';
