import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The fields of an `audit.k8s.io/v1` Event that the soak reads. */
export interface AuditEvent {
  readonly auditID: string;
  readonly stage: 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';
  readonly verb: string;
  readonly requestURI: string;
  readonly user: { readonly username: string; readonly groups?: readonly string[] };
  readonly userAgent?: string;
  readonly objectRef?: {
    readonly resource?: string;
    readonly subresource?: string;
    readonly namespace?: string;
    readonly name?: string;
    readonly apiGroup?: string;
  };
  readonly responseStatus?: { readonly code?: number };
  readonly requestObject?: unknown;
  readonly responseObject?: unknown;
  readonly requestReceivedTimestamp: string;
  readonly stageTimestamp: string;
}

/** One request as the audit log saw it: its first and last stage merged, times in ms since the epoch. */
export interface AuditedRequest {
  readonly auditID: string;
  readonly verb: string;
  readonly user: string;
  readonly userAgent: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly receivedAt: number;
  /** When it was answered; `undefined` when no ResponseComplete was logged (kube-apiserver was killed first). */
  readonly completedAt: number | undefined;
  /** The response code; `undefined` without a ResponseComplete. */
  readonly code: number | undefined;
  readonly requestObject: unknown;
  readonly responseObject: unknown;
  /** The ResponseComplete line as written (else the RequestReceived one): what a report quotes. */
  readonly line: string;
}

export const writeVerbs: ReadonlySet<string> = new Set([
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);

/**
 * An audit MicroTime (`2025-01-02T03:04:05.123456Z`) in milliseconds since the epoch, keeping the microseconds as a
 * fraction: requests are ordered by the server's clock at that precision.
 */
export function microTimeMs(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (!match?.[1]) return Date.parse(text);
  const fraction = match[2] ?? '';
  return Date.parse(`${match[1]}Z`) + (fraction === '' ? 0 : Number(`0.${fraction}`) * 1000);
}

/** `resource` or `resource/subresource`, as RBAC names it. */
function resourceOf(event: AuditEvent): string {
  const ref = event.objectRef;
  if (!ref?.resource) return '';
  return ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
}

/** Merges the stages of each request as its lines arrive; {@link AuditLogMerger.requests} gives the result. */
class AuditLogMerger {
  private readonly byId = new Map<string, { event: AuditEvent; line: string; receivedAt: number }>();
  /** Lines that are not JSON: a kube-apiserver killed in the middle of writing one. */
  malformed = 0;

  add(line: string): void {
    if (line.trim() === '') return;
    let event: AuditEvent;
    try {
      event = JSON.parse(line) as AuditEvent;
    } catch {
      this.malformed++;
      return;
    }
    const known = this.byId.get(event.auditID);
    if (known?.event.stage === 'ResponseComplete') return;
    const receivedAt = known?.receivedAt ?? microTimeMs(event.requestReceivedTimestamp);
    this.byId.set(event.auditID, { event, line, receivedAt });
  }

  requests(): AuditedRequest[] {
    const requests: AuditedRequest[] = [];
    for (const [id, { event, line, receivedAt }] of this.byId) {
      const complete = event.stage === 'ResponseComplete';
      requests.push({
        auditID: id,
        verb: event.verb,
        user: event.user.username,
        userAgent: event.userAgent ?? '',
        resource: resourceOf(event),
        namespace: event.objectRef?.namespace ?? '',
        name: event.objectRef?.name ?? '',
        receivedAt,
        completedAt: complete ? microTimeMs(event.stageTimestamp) : undefined,
        code: complete ? event.responseStatus?.code : undefined,
        requestObject: event.requestObject,
        responseObject: event.responseObject,
        line,
      });
    }
    return requests.sort((a, b) => a.receivedAt - b.receivedAt);
  }
}

/**
 * The requests in audit log lines, one {@link AuditedRequest} per audit ID with its stages merged, in the order they
 * were received. A request logged only at RequestReceived (kube-apiserver died before answering) keeps an unknown
 * outcome.
 */
export function auditedRequests(lines: Iterable<string>): AuditedRequest[] {
  const merger = new AuditLogMerger();
  for (const line of lines) merger.add(line);
  return merger.requests();
}

/** Reads an audit log (JSON lines) as {@link auditedRequests}, streaming: a long soak's log is tens of MB. */
export async function readAuditLog(
  path: string,
): Promise<{ requests: AuditedRequest[]; malformedLines: number }> {
  const merger = new AuditLogMerger();
  const reader = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of reader) merger.add(line);
  return { requests: merger.requests(), malformedLines: merger.malformed };
}
