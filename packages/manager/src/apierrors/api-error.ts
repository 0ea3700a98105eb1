/** The `reason` of a Kubernetes `Status` object (metav1.StatusReason), the part worth branching on. */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Gone'
  | 'Expired'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Timeout'
  | 'ServerTimeout'
  | 'ServiceUnavailable'
  | 'Unknown';

/**
 * A request the API server refused. `message` names the verb, the kind and the object, then the server's own
 * message, e.g. `update apps/v1 Deployment default/web-proxy: 409 Conflict: the object has been modified...`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    /** HTTP status code. */
    readonly code: number,
    readonly reason: StatusReason,
    /** The server's `Status` object, when it sent one. */
    readonly status?: unknown,
  ) {
    super(message);
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;
export const isConflict = (err: unknown): boolean => err instanceof ApiError && err.reason === 'Conflict';
export const isAlreadyExists = (err: unknown): boolean =>
  err instanceof ApiError && err.reason === 'AlreadyExists';
export const isForbidden = (err: unknown): boolean => err instanceof ApiError && err.code === 403;
export const isInvalid = (err: unknown): boolean => err instanceof ApiError && err.code === 422;
