import { STATUS_CODES } from 'node:http';
import { ApiError, type StatusReason } from './api-error.js';

const knownReasons: ReadonlySet<string> = new Set<StatusReason>([
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Invalid',
  'Forbidden',
  'Unauthorized',
  'Gone',
  'Expired',
  'TooManyRequests',
  'BadRequest',
  'MethodNotAllowed',
  'NotAcceptable',
  'UnsupportedMediaType',
  'InternalError',
  'Timeout',
  'ServerTimeout',
  'ServiceUnavailable',
  'Unknown',
]);

/** The reason apimachinery's `reasonForError` would give a bare status code, for servers that send no `Status`. */
function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 406:
      return 'NotAcceptable';
    case 409:
      return 'Conflict';
    case 410:
      return 'Gone';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return 'Unknown';
  }
}

/** The fields of a metav1.Status worth reading. */
export interface StatusBody {
  readonly kind?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

function isStatusBody(value: unknown): value is StatusBody {
  return typeof value === 'object' && value !== null && (value as StatusBody).kind === 'Status';
}

/**
 * An {@link ApiError} for a refused request. `action` names verb and target (`update apps/v1 Deployment default/web`);
 * the message adds the code, the reason and the server's own words:
 * `update apps/v1 Deployment default/web: 409 Conflict: the object has been modified...`.
 */
export function apiErrorFromStatus(action: string, httpCode: number, body: unknown): ApiError {
  const status = isStatusBody(body) ? body : undefined;
  const code = httpCode >= 400 ? httpCode : (status?.code ?? httpCode);
  const reason =
    status?.reason && knownReasons.has(status.reason) ? (status.reason as StatusReason) : reasonForCode(code);
  const text = STATUS_CODES[code] ?? 'Error';
  const detail =
    status?.message ?? (typeof body === 'string' && body.trim() !== '' ? body.trim() : undefined);
  const message = `${action}: ${code} ${text}${detail ? `: ${detail}` : ''}`;
  return new ApiError(message, code, reason, status ?? body);
}

/** The same, from a response body as text (JSON `Status` if the server sent one). */
export function apiErrorFromResponse(action: string, httpCode: number, bodyText: string): ApiError {
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText) as unknown;
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the text for the message.
  }
  return apiErrorFromStatus(action, httpCode, body);
}

/** True when the API server says the resourceVersion or continue token is too old: the fix is a fresh LIST. */
export function isResourceExpired(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}
