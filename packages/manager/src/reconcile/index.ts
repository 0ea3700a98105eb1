export { type Request, requestFor, requestKey } from './request.js';
export type { Result } from './result.js';
export type { Reconciler, ReconcileContext } from './reconciler.js';
export { TerminalError, isTerminalError } from './terminal-error.js';
