/**
 * Admission and conversion webhooks, declared in code ({@link webhookFor}), served by the manager
 * ({@link WebhookServer}, `manager.registerWebhooks(...)`) and generated into config/webhook by `spoke manifests`.
 */
export * from './webhook-declaration.js';
export {
  WebhookServer,
  defaultMaxRequestBytes,
  defaultWebhookCertDir,
  type WebhookServerOptions,
} from './webhook-server.js';
export {
  jsonPatch,
  escapePointerToken,
  type JsonPatchOperation as WebhookJsonPatchOperation,
} from './json-patch.js';
export {
  BadReviewError,
  decodeAdmissionReview,
  decodeConversionReview,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionStatus,
  type ConversionRequest,
} from './review.js';
export { convert, type ConversionResponse } from './conversion.js';
