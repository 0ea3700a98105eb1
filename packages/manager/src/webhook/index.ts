/**
 * Admission and conversion webhooks, declared in code ({@link webhookFor}), served by the manager and generated
 * into config/webhook by `spoke manifests`.
 */
export * from './webhook-declaration.js';
