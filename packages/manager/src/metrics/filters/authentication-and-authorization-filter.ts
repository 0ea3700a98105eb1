import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { V1SubjectAccessReview, V1TokenReview, V1UserInfo } from '@kubernetes/client-node';
import type { KubeConfigLike } from '../../kubeconfig/index.js';
import type { Logger } from 'winston';
import { ApiError } from '../../apierrors/api-error.js';
import { RestClient } from '../../rest/rest-client.js';
import { defineKind } from '../../kinds/resource-kind.js';
import { errorMessage } from '../../internal/errors/error-message.js';

/** Serves one HTTP request. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Wraps the `/metrics` handler, as controller-runtime's `metricsserver.Filter`: answers for it or lets it answer. */
export type MetricsFilter = (handler: RequestHandler) => RequestHandler;

/** Options of {@link withAuthenticationAndAuthorization}. */
export interface AuthenticationAndAuthorizationOptions {
  /** Whose API server reviews the tokens; the identity needs `create` on tokenreviews and subjectaccessreviews. */
  readonly kubeConfig: KubeConfigLike;
  /** Denials at debug, failed reviews at error. Default: none. */
  readonly logger?: Logger;
  /**
   * How long a token's review and a user's access decision are reused, allowed or not. Default 10 s: a scraper
   * every 15 s costs one TokenReview and one SubjectAccessReview per scrape, a burst of scrapes costs one of each,
   * and a revoked token or a removed (or new) RoleBinding takes effect within 10 s. 0 reviews every request.
   */
  readonly cacheTtlMs?: number;
  /** How many tokens and how many users' decisions are remembered at most (the oldest go first). Default 1024. */
  readonly maxCacheEntries?: number;
}

const TokenReviewKind = defineKind<V1TokenReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  namespaced: false,
});

const SubjectAccessReviewKind = defineKind<V1SubjectAccessReview>({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SubjectAccessReview',
  plural: 'subjectaccessreviews',
  namespaced: false,
});

// controller-runtime's TokenAccessReviewTimeout; a review that takes longer fails the scrape with 500.
const reviewTimeoutMs = 10_000;

/**
 * Authenticates and authorizes every request as controller-runtime's `filters.WithAuthenticationAndAuthorization`
 * (what kubebuilder scaffolds for `--metrics-secure`): the bearer token must pass a TokenReview
 * (authentication.k8s.io/v1), else 401; its user must pass a SubjectAccessReview (authorization.k8s.io/v1) for
 * the non-resource URL — the request's path and lower-case method, `get` `/metrics` — else 403. A review that fails
 * (the API server unreachable, the manager not allowed to create reviews) answers 500 and is not cached.
 *
 * The manager's identity needs `create` on `tokenreviews` and `subjectaccessreviews`
 * (`config/rbac/metrics_auth_role.yaml`); a scraper needs a role with `nonResourceURLs: ["/metrics"]`,
 * `verbs: ["get"]` (`metrics_reader_role.yaml`).
 * Decisions are cached briefly (see {@link AuthenticationAndAuthorizationOptions.cacheTtlMs}), by a hash of the
 * token (never the token itself), and concurrent requests with the same token share one review.
 */
export function withAuthenticationAndAuthorization(
  options: AuthenticationAndAuthorizationOptions,
): MetricsFilter {
  const rest = RestClient.for(options.kubeConfig);
  const ttlMs = options.cacheTtlMs ?? 10_000;
  const maxEntries = options.maxCacheEntries ?? 1024;
  const authentications = new ExpiringCache<V1UserInfo | undefined>(ttlMs, maxEntries);
  const authorizations = new ExpiringCache<{ allowed: boolean; reason: string }>(ttlMs, maxEntries);

  const authenticate = (token: string): Promise<V1UserInfo | undefined> =>
    authentications.get(createHash('sha256').update(token).digest('hex'), async () => {
      const review = await rest.request<V1TokenReview>({
        verb: 'create',
        method: 'POST',
        kind: TokenReviewKind,
        body: { apiVersion: TokenReviewKind.apiVersion, kind: TokenReviewKind.kind, spec: { token } },
        timeoutMs: reviewTimeoutMs,
      });
      const status = review.status;
      return status?.authenticated === true && status.user?.username ? status.user : undefined;
    });

  const authorize = (user: V1UserInfo, verb: string, path: string) => {
    const spec = {
      user: user.username,
      ...(user.uid === undefined ? {} : { uid: user.uid }),
      ...(user.groups === undefined ? {} : { groups: user.groups }),
      ...(user.extra === undefined ? {} : { extra: user.extra }),
      nonResourceAttributes: { path, verb },
    };
    return authorizations.get(JSON.stringify(spec), async () => {
      const review = await rest.request<V1SubjectAccessReview>({
        verb: 'create',
        method: 'POST',
        kind: SubjectAccessReviewKind,
        body: { apiVersion: SubjectAccessReviewKind.apiVersion, kind: SubjectAccessReviewKind.kind, spec },
        timeoutMs: reviewTimeoutMs,
      });
      const status = review.status;
      return {
        allowed: status?.allowed === true && status.denied !== true,
        reason: status?.reason ?? status?.evaluationError ?? '',
      };
    });
  };

  return (handler) => async (req, res) => {
    const token = bearerToken(req.headers.authorization);
    let user: V1UserInfo | undefined;
    try {
      user = token === undefined ? undefined : await authenticate(token);
    } catch (err: unknown) {
      options.logger?.error('metrics: authentication failed', { error: describeFailure(err) });
      plainError(res, 500, 'Authentication failed');
      return;
    }
    if (!user) {
      options.logger?.debug('metrics: unauthenticated request refused', {
        reason: token === undefined ? 'no bearer token' : 'token not authenticated',
      });
      plainError(res, 401, 'Unauthorized');
      return;
    }
    const path = new URL(req.url ?? '/', 'https://metrics').pathname;
    const verb = (req.method ?? 'GET').toLowerCase();
    let decision: { allowed: boolean; reason: string };
    try {
      decision = await authorize(user, verb, path);
    } catch (err: unknown) {
      options.logger?.error('metrics: authorization failed', {
        user: user.username,
        error: describeFailure(err),
      });
      plainError(res, 500, `Authorization for user ${user.username} failed`);
      return;
    }
    if (!decision.allowed) {
      options.logger?.debug('metrics: authorization denied', {
        user: user.username,
        verb,
        path,
        reason: decision.reason,
      });
      plainError(res, 403, `Authorization denied for user ${user.username}`);
      return;
    }
    await handler(req, res);
  };
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case), as Kubernetes reads it. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

function plainError(res: ServerResponse, code: number, message: string): void {
  res
    .writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
    .end(`${message}\n`);
}

function describeFailure(err: unknown): string {
  const message = errorMessage(err);
  return err instanceof ApiError && err.code === 403
    ? `${message} (bind the metrics-auth-role to the manager's ServiceAccount)`
    : message;
}

/**
 * Answers by key for `ttlMs` after they were asked for, sharing one pending load among concurrent callers. A load
 * that fails is forgotten, so the next call asks again. Holds at most `maxEntries`: the oldest go first.
 */
class ExpiringCache<V> {
  readonly #entries = new Map<string, { expiresAt: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.ttlMs <= 0) return load();
    const now = performance.now();
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    // Deleted before it is set again, so the Map's insertion order stays the order of age.
    this.#entries.delete(key);
    const value = load();
    this.#entries.set(key, { expiresAt: now + this.ttlMs, value });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
    return value;
  }
}
