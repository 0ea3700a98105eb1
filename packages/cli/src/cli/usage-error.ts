/**
 * The command line is wrong: an unknown flag, a missing or malformed value. Printed as one line naming the problem,
 * then the command's usage, with exit code 2, as Go's flag package and cobra do.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
