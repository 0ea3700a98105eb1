import type { KubernetesObject } from '@kubernetes/client-node';
import { errorMessage } from '../internal/errors/error-message.js';
import { jsonPatch } from './json-patch.js';
import type { AdmissionRequest, AdmissionResponse } from './review.js';
import {
  AdmissionDenied,
  type AdmissionContext,
  type CustomDefaulter,
  type CustomValidator,
  type ValidationResult,
} from './webhook-declaration.js';

/** What a handler's failure means for the answer: a denial with its code, or 500 for an unexpected error. */
function failure(uid: string, err: unknown): AdmissionResponse {
  if (err instanceof AdmissionDenied) {
    return {
      uid,
      allowed: false,
      status: { code: err.code, reason: err.reason, message: err.message },
      ...(err.warnings.length > 0 ? { warnings: err.warnings } : {}),
    };
  }
  // A bug in the handler, not a verdict on the object: 500, as controller-runtime's `Errored(500, err)`.
  return { uid, allowed: false, status: { code: 500, reason: 'InternalError', message: errorMessage(err) } };
}

function allowed(uid: string, warnings: ValidationResult): AdmissionResponse {
  return { uid, allowed: true, ...(warnings && warnings.length > 0 ? { warnings: [...warnings] } : {}) };
}

/**
 * Runs a defaulter on a copy of the object and answers with the JSON patch from the object as received to the object
 * as mutated (none when nothing changed). Without an object (DELETE, CONNECT) there is nothing to default: allowed.
 */
export async function runDefaulter<T extends KubernetesObject>(
  defaulter: CustomDefaulter<T>,
  request: AdmissionRequest,
  ctx: AdmissionContext,
): Promise<AdmissionResponse> {
  const { uid } = request.info;
  if (request.object === undefined) return allowed(uid, undefined);
  const obj = structuredClone(request.object) as T;
  try {
    await defaulter.default(obj, ctx);
  } catch (err: unknown) {
    return failure(uid, err);
  }
  const patch = jsonPatch(request.object, obj);
  if (patch.length === 0) return allowed(uid, undefined);
  return {
    uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
  };
}

/**
 * Runs a validator as controller-runtime's validating handler: CREATE → `validateCreate(object)`, UPDATE →
 * `validateUpdate(oldObject, object)`, DELETE → `validateDelete(oldObject)`; CONNECT is allowed.
 */
export async function runValidator<T extends KubernetesObject>(
  validator: CustomValidator<T>,
  request: AdmissionRequest,
  ctx: AdmissionContext,
): Promise<AdmissionResponse> {
  const { uid, operation } = request.info;
  const need = (obj: KubernetesObject | undefined, field: string): T => {
    if (obj === undefined) throw new Error(`the ${operation} review carries no ${field}`);
    return structuredClone(obj) as T;
  };
  try {
    switch (operation) {
      case 'CREATE':
        return allowed(uid, await validator.validateCreate(need(request.object, 'object'), ctx));
      case 'UPDATE':
        return allowed(
          uid,
          await validator.validateUpdate(
            need(request.oldObject, 'oldObject'),
            need(request.object, 'object'),
            ctx,
          ),
        );
      case 'DELETE':
        return allowed(uid, await validator.validateDelete(need(request.oldObject, 'oldObject'), ctx));
      case 'CONNECT':
        return allowed(uid, undefined);
    }
  } catch (err: unknown) {
    return failure(uid, err);
  }
}
