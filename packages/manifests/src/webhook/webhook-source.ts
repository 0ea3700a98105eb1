/**
 * A kind's webhooks as plain data: what `@spoke/manager`'s `webhookFor(...)` declaration holds besides its
 * (non-enumerable) handlers, so an operator's declarations are read as they are, and any object of this shape works.
 */
export interface WebhookSource {
  /** The kind the admission webhooks are for; with `conversion`, its hub version. */
  readonly kind: WebhookKindSource;
  readonly mutating?: AdmissionWebhookSource;
  readonly validating?: AdmissionWebhookSource;
  /** The versions `/convert` converts: the hub first, then every spoke. */
  readonly conversion?: { readonly path: '/convert'; readonly versions: readonly string[] };
}

/** The kind fields the configurations need; `group` is `''` for the core group. */
export interface WebhookKindSource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
}

/** The operations an admission webhook is called for. */
export type AdmissionOperationSource = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** One admission webhook entry: where the manager serves it and how the API server calls it. */
export interface AdmissionWebhookSource {
  readonly path: string;
  /** The fully qualified name in its configuration, e.g. `mmemcached-v1beta1.cache.spoke.dev`. */
  readonly name: string;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly sideEffects: 'None' | 'NoneOnDryRun';
  readonly operations: readonly AdmissionOperationSource[];
  readonly timeoutSeconds: number;
}
