/**
 * The manager stopped because this replica lost its leader lease. Exit the process (as controller-runtime does):
 * a fresh process rejoins the election as a standby with a clean state.
 */
export class LeaderElectionLostError extends Error {
  override readonly name = 'LeaderElectionLostError';
}
