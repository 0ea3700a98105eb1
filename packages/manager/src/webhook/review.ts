import type { KubernetesObject } from '@kubernetes/client-node';
import type { AdmissionOperation, AdmissionRequestInfo } from './webhook-declaration.js';

/** A review the server cannot act on (not JSON, wrong kind, missing fields): answered 400 with the message. */
export class BadReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadReviewError';
  }
}

/** The `status` of an admission response, a `metav1.Status` subset. */
export interface AdmissionStatus {
  readonly code: number;
  readonly reason?: string;
  readonly message: string;
}

/** `response` of an AdmissionReview v1. */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: AdmissionStatus;
  /** Base64 of the JSON patch. */
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
  readonly warnings?: readonly string[];
}

/** An AdmissionReview v1 request, decoded: what the handlers need. */
export interface AdmissionRequest {
  readonly info: AdmissionRequestInfo;
  /** `request.kind`: the kind of the object as the webhook was called for it. */
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly object: KubernetesObject | undefined;
  readonly oldObject: KubernetesObject | undefined;
}

/** A ConversionReview v1 request, decoded. */
export interface ConversionRequest {
  readonly uid: string;
  readonly desiredAPIVersion: string;
  readonly objects: readonly KubernetesObject[];
}

const operations: readonly AdmissionOperation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err: unknown) {
    throw new BadReviewError(`the request body is not JSON: ${(err as Error).message}`);
  }
}

function review(body: Buffer, apiVersion: string, kind: string): Record<string, unknown> {
  const value = parseJson(body);
  if (!isRecord(value)) throw new BadReviewError(`the request body is not a ${kind} object`);
  if (value['apiVersion'] !== apiVersion || value['kind'] !== kind) {
    throw new BadReviewError(
      `expected a ${kind} of ${apiVersion}, got kind ${JSON.stringify(value['kind'])} of ${JSON.stringify(value['apiVersion'])}`,
    );
  }
  const request = value['request'];
  if (!isRecord(request)) throw new BadReviewError(`the ${kind} has no request`);
  if (typeof request['uid'] !== 'string' || request['uid'] === '')
    throw new BadReviewError(`the ${kind}'s request has no uid`);
  return request;
}

/** An object in a review: absent (JSON null or missing) or a JSON object. */
function optionalObject(request: Record<string, unknown>, field: string): KubernetesObject | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new BadReviewError(`request.${field} is not an object`);
  return value;
}

function optionalString(request: Record<string, unknown>, field: string): string | undefined {
  const value = request[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new BadReviewError(`request.${field} is not a string`);
  return value;
}

/** Decodes an `admission.k8s.io/v1` AdmissionReview; throws {@link BadReviewError} when it is not one. */
export function decodeAdmissionReview(body: Buffer): AdmissionRequest {
  const request = review(body, 'admission.k8s.io/v1', 'AdmissionReview');
  const operation = request['operation'];
  if (typeof operation !== 'string' || !operations.includes(operation as AdmissionOperation))
    throw new BadReviewError(
      `request.operation ${JSON.stringify(operation)} is not one of ${operations.join(', ')}`,
    );
  const kind = request['kind'];
  if (!isRecord(kind) || typeof kind['kind'] !== 'string' || typeof kind['version'] !== 'string')
    throw new BadReviewError('request.kind is not a group/version/kind');
  const userInfo = isRecord(request['userInfo']) ? request['userInfo'] : {};
  const groups = Array.isArray(userInfo['groups'])
    ? userInfo['groups'].filter((g): g is string => typeof g === 'string')
    : undefined;
  const namespace = optionalString(request, 'namespace');
  const name = optionalString(request, 'name');
  const username = typeof userInfo['username'] === 'string' ? userInfo['username'] : undefined;
  const userUid = typeof userInfo['uid'] === 'string' ? userInfo['uid'] : undefined;
  const info: AdmissionRequestInfo = {
    uid: request['uid'] as string,
    operation: operation as AdmissionOperation,
    ...(namespace === undefined ? {} : { namespace }),
    ...(name === undefined ? {} : { name }),
    dryRun: request['dryRun'] === true,
    userInfo: {
      ...(username === undefined ? {} : { username }),
      ...(userUid === undefined ? {} : { uid: userUid }),
      ...(groups === undefined ? {} : { groups }),
    },
    subResource: optionalString(request, 'subResource') ?? '',
  };
  return {
    info,
    kind: {
      group: typeof kind['group'] === 'string' ? kind['group'] : '',
      version: kind['version'],
      kind: kind['kind'],
    },
    object: optionalObject(request, 'object'),
    oldObject: optionalObject(request, 'oldObject'),
  };
}

/** Decodes an `apiextensions.k8s.io/v1` ConversionReview; throws {@link BadReviewError} when it is not one. */
export function decodeConversionReview(body: Buffer): ConversionRequest {
  const request = review(body, 'apiextensions.k8s.io/v1', 'ConversionReview');
  const desired = request['desiredAPIVersion'];
  if (typeof desired !== 'string' || desired === '')
    throw new BadReviewError('request.desiredAPIVersion is missing');
  const objects = request['objects'];
  if (!Array.isArray(objects)) throw new BadReviewError('request.objects is not a list');
  objects.forEach((o, i) => {
    if (!isRecord(o) || typeof o['apiVersion'] !== 'string' || typeof o['kind'] !== 'string')
      throw new BadReviewError(`request.objects[${i}] is not an object with apiVersion and kind`);
  });
  return {
    uid: request['uid'] as string,
    desiredAPIVersion: desired,
    objects: objects as KubernetesObject[],
  };
}

/** An AdmissionReview v1 carrying `response`. */
export function admissionReviewResponse(response: AdmissionResponse): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}
