import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceKind } from '../kinds/resource-kind.js';

/** Messages for the client beside an admission answer; kubectl prints each as `Warning: ...`. */
export type Warnings = readonly string[];

/** An admission operation, as AdmissionReview v1 names it. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What the API server told the webhook about the request, beside the object(s). */
export interface AdmissionRequestInfo {
  /** The AdmissionReview's `request.uid`; every log line of the request carries it. */
  readonly uid: string;
  readonly operation: AdmissionOperation;
  readonly namespace?: string;
  readonly name?: string;
  /** Whether the request is a dry run: a webhook with side effects must not act on it. */
  readonly dryRun: boolean;
  readonly userInfo: {
    readonly username?: string;
    readonly uid?: string;
    readonly groups?: readonly string[];
  };
  /** The subresource, e.g. `status` or `scale`; `''` for the object itself. */
  readonly subResource: string;
}

/** Passed to every defaulter and validator call. */
export interface AdmissionContext {
  readonly request: AdmissionRequestInfo;
  /** Aborted when the API server's timeout for the call has passed or the server stops. */
  readonly signal: AbortSignal;
}

/**
 * A mutating webhook's logic, as controller-runtime's `CustomDefaulter`: change the object in place; the framework
 * computes the JSON patch from what changed. Throwing {@link AdmissionDenied} denies the request.
 */
export interface CustomDefaulter<T extends KubernetesObject> {
  default(obj: T, ctx: AdmissionContext): void | Promise<void>;
}

/** What a validator returns: nothing, or warnings for an allowed request. */
export type ValidationResult = Warnings | undefined;

/**
 * A validating webhook's logic, as controller-runtime's `CustomValidator`. Returning allows (with warnings, if any);
 * throwing {@link AdmissionDenied} denies with its message and code; any other error denies with 500 (a bug in the
 * handler, not a verdict on the object) and the server keeps serving.
 */
export interface CustomValidator<T extends KubernetesObject> {
  validateCreate(obj: T, ctx: AdmissionContext): ValidationResult | Promise<ValidationResult>;
  validateUpdate(oldObj: T, newObj: T, ctx: AdmissionContext): ValidationResult | Promise<ValidationResult>;
  validateDelete(obj: T, ctx: AdmissionContext): ValidationResult | Promise<ValidationResult>;
}

/** Options of {@link AdmissionDenied}. */
export interface AdmissionDeniedOptions {
  /** The HTTP status code in the review's `status.code`; default 403 (Forbidden). */
  readonly code?: number;
  /** A machine-readable reason, e.g. `Invalid`; default `Forbidden`. */
  readonly reason?: string;
  readonly warnings?: Warnings;
}

/** Thrown by a defaulter or validator to deny a request: the API server answers the client with `message`. */
export class AdmissionDenied extends Error {
  readonly code: number;
  readonly reason: string;
  readonly warnings: Warnings;

  constructor(message: string, options: AdmissionDeniedOptions = {}) {
    super(message);
    this.name = 'AdmissionDenied';
    this.code = options.code ?? 403;
    this.reason = options.reason ?? 'Forbidden';
    this.warnings = options.warnings ?? [];
  }
}

/**
 * One non-hub version of a kind and how it converts to and from the hub (kubebuilder's hub-and-spoke model: every
 * version converts through the hub, so N versions need N-1 pairs of functions, not N²). Conversions must be
 * lossless both ways: what a version cannot hold is kept in an annotation.
 */
export interface SpokeConversion<
  Hub extends KubernetesObject,
  Spoke extends KubernetesObject = KubernetesObject,
> {
  readonly kind: ResourceKind<Spoke>;
  convertTo(spoke: Spoke): Hub;
  convertFrom(hub: Hub): Spoke;
}

/** How the webhook's configuration entry treats a call that fails (webhook down, timeout). */
export type FailurePolicy = 'Fail' | 'Ignore';

/** The configuration of one admission webhook (mutating or validating), as plain data for the manifests. */
export interface AdmissionWebhookEntry {
  /** The path the manager serves it on, kubebuilder's scheme: `/mutate-<group with - for .>-<version>-<kind>`. */
  readonly path: string;
  /**
   * The webhook's name in its configuration, fully qualified: `m<kind>-<version>.<group>` (`v` for validating); a
   * group without a dot (the core group, `apps`) is suffixed `.k8s.io` (`mconfigmap-v1.core.k8s.io`), since the API
   * server wants at least three labels.
   */
  readonly name: string;
  readonly failurePolicy: FailurePolicy;
  readonly sideEffects: 'None' | 'NoneOnDryRun';
  readonly operations: readonly AdmissionOperation[];
  readonly timeoutSeconds: number;
}

/**
 * A kind's webhooks, declared once: the same value registers the handlers with the manager
 * (`manager.registerWebhooks(...)`) and, as plain data (every field but `handlers`), generates
 * config/webhook/manifests.yaml and the CRD's conversion stanza (`spoke manifests` reads a module's `webhooks`
 * export).
 */
export interface WebhookDeclaration<T extends KubernetesObject = KubernetesObject> {
  /** The kind (and version) the admission webhooks are for; with `conversion`, the hub version. */
  readonly kind: ResourceKind<T>;
  readonly mutating?: AdmissionWebhookEntry;
  readonly validating?: AdmissionWebhookEntry;
  /** The versions converted on `/convert`: the hub first, then every spoke. */
  readonly conversion?: { readonly path: '/convert'; readonly versions: readonly string[] };
  /** The logic; not enumerable, so the declaration serialises as plain data. */
  readonly handlers: WebhookHandlers<T>;
}

/** The logic behind a {@link WebhookDeclaration}. */
export interface WebhookHandlers<T extends KubernetesObject> {
  readonly defaulter?: CustomDefaulter<T>;
  readonly validator?: CustomValidator<T>;
  readonly spokes?: readonly SpokeConversion<T>[];
}

/** What {@link webhookFor} takes. */
export interface WebhookOptions<T extends KubernetesObject> {
  /** A mutating webhook on CREATE and UPDATE (kubebuilder's `--defaulting`). */
  readonly defaulter?: CustomDefaulter<T>;
  /** A validating webhook on CREATE and UPDATE, and DELETE with `validateDeletes` (`--programmatic-validation`). */
  readonly validator?: CustomValidator<T>;
  /** `kind` is the hub; these are the other versions (`--conversion`). */
  readonly spokes?: readonly SpokeConversion<T>[];
  /** Default `Fail`: a write the webhook cannot vouch for is refused (kubebuilder's default). */
  readonly failurePolicy?: FailurePolicy;
  /** Whether the validating webhook also sees DELETE; default false, as kubebuilder's markers. */
  readonly validateDeletes?: boolean;
  /** Seconds the API server waits for an answer; default 10 (the API server's own default). */
  readonly timeoutSeconds?: number;
}

/** kubebuilder's path scheme: `/mutate-cache-spoke-dev-v1beta1-memcached`. */
export function webhookPath(prefix: 'mutate' | 'validate', kind: ResourceKind): string {
  const group = kind.group === '' ? 'core' : kind.group.replaceAll('.', '-');
  return `/${prefix}-${group}-${kind.version}-${kind.kind.toLowerCase()}`;
}

/**
 * Declares the webhooks of a kind, controller-runtime's `ctrl.NewWebhookManagedBy(mgr).For(obj).WithDefaulter(...)`
 * as a value: register it with the manager and export it for the manifests.
 */
export function webhookFor<T extends KubernetesObject>(
  kind: ResourceKind<T>,
  options: WebhookOptions<T>,
): WebhookDeclaration<T> {
  const { defaulter, validator, spokes } = options;
  if (!defaulter && !validator && (spokes ?? []).length === 0) {
    throw new Error(`webhookFor(${kind.kind}): give a defaulter, a validator or spokes to convert`);
  }
  const failurePolicy = options.failurePolicy ?? 'Fail';
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  // The API server wants a name of three or more DNS labels: a built-in group (`''`, `apps`, `batch`) gets `.k8s.io`.
  const group =
    kind.group === '' ? 'core.k8s.io' : kind.group.includes('.') ? kind.group : `${kind.group}.k8s.io`;
  const lower = kind.kind.toLowerCase();
  const entry = (prefix: 'mutate' | 'validate', operations: AdmissionOperation[]): AdmissionWebhookEntry => ({
    path: webhookPath(prefix, kind),
    name: `${prefix[0] ?? ''}${lower}-${kind.version}.${group}`,
    failurePolicy,
    sideEffects: 'None',
    operations,
    timeoutSeconds,
  });
  const declaration: Omit<WebhookDeclaration<T>, 'handlers'> = {
    kind,
    ...(defaulter ? { mutating: entry('mutate', ['CREATE', 'UPDATE']) } : {}),
    ...(validator
      ? {
          validating: entry(
            'validate',
            options.validateDeletes ? ['CREATE', 'UPDATE', 'DELETE'] : ['CREATE', 'UPDATE'],
          ),
        }
      : {}),
    ...(spokes && spokes.length > 0
      ? {
          conversion: {
            path: '/convert' as const,
            versions: [kind.version, ...spokes.map((s) => s.kind.version)],
          },
        }
      : {}),
  };
  const handlers: WebhookHandlers<T> = {
    ...(defaulter ? { defaulter } : {}),
    ...(validator ? { validator } : {}),
    ...(spokes ? { spokes } : {}),
  };
  Object.defineProperty(declaration, 'handlers', { value: Object.freeze(handlers), enumerable: false });
  return Object.freeze(declaration) as WebhookDeclaration<T>;
}
