import 'reflect-metadata';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:tls';
import {
  AuthorizationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { Agent, fetch } from 'undici';
import { Controller } from '../../../src/controller/index.js';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { Manager } from '../../../src/manager/index.js';
import { withAuthenticationAndAuthorization } from '../../../src/metrics/filters/index.js';
import type { Reconciler } from '../../../src/reconcile/index.js';
import {
  apiServerRequests,
  createNamespace,
  eventually,
  testLogger,
} from '../../support/control-layer-support.js';

@Controller({ name: 'metrics-subject', for: ConfigMap })
class MetricsSubject implements Reconciler {
  async reconcile(): Promise<void> {
    // Registered only so that the controller_runtime_* series carry a controller.
  }
}

const namespace = 'secure-metrics';

interface Rule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly nonResourceURLs?: string[];
  readonly verbs: string[];
}

/** The certificate a TLS server presents on `url`, without verifying it. */
async function servedCertificate(url: string): Promise<X509Certificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate();
      socket.end();
      resolve(new X509Certificate(peer.raw));
    });
    socket.once('error', reject);
  });
}

/** GETs `url` with `token` as bearer, trusting only `dispatcher`'s CA. */
async function get(url: string, dispatcher: Agent | undefined, token?: string) {
  const response = await fetch(url, {
    ...(dispatcher ? { dispatcher } : {}),
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.text() };
}

/** kube-apiserver's count of TokenReviews and SubjectAccessReviews created so far. */
async function reviewsCreated(env: ControlPlane): Promise<{ tokenReviews: number; accessReviews: number }> {
  const [tokenReviews, accessReviews] = await Promise.all([
    apiServerRequests(env, 'tokenreviews'),
    apiServerRequests(env, 'subjectaccessreviews'),
  ]);
  return { tokenReviews: tokenReviews.verb('POST'), accessReviews: accessReviews.verb('POST') };
}

describe('secure metrics: TLS, TokenReview and SubjectAccessReview on a real API server', () => {
  let env: ControlPlane;
  let core: CoreV1Api;
  let rbac: RbacAuthorizationV1Api;
  let authorization: AuthorizationV1Api;

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
    core = env.kubeConfig.makeApiClient(CoreV1Api);
    rbac = env.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    authorization = env.kubeConfig.makeApiClient(AuthorizationV1Api);
    await createNamespace(env.kubeConfig, namespace);
  });
  after(async () => {
    await env.stop();
  });

  /** A new ServiceAccount's TokenRequest token. */
  async function serviceAccountToken(name: string): Promise<string> {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
    const token = (await env.serviceAccountKubeConfig(namespace, name)).getCurrentUser()?.token;
    assert.ok(token);
    return token;
  }

  /**
   * Binds a new ClusterRole with `rules` (the first one's first verb on its first path or resource) to a
   * ServiceAccount of the test namespace or to a user, and waits until the API server's authorizer applies it.
   */
  async function grant(
    name: string,
    subject: { serviceAccount: string } | { user: string },
    rules: [Rule, ...Rule[]],
  ): Promise<void> {
    await rbac.createClusterRole({ body: { metadata: { name }, rules } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [
          'serviceAccount' in subject
            ? { kind: 'ServiceAccount', name: subject.serviceAccount, namespace }
            : { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: subject.user },
        ],
      },
    });
    const [rule] = rules;
    const verb = rule.verbs[0] ?? '';
    const spec = {
      user:
        'serviceAccount' in subject
          ? `system:serviceaccount:${namespace}:${subject.serviceAccount}`
          : subject.user,
      ...(rule.nonResourceURLs
        ? { nonResourceAttributes: { path: rule.nonResourceURLs[0] ?? '', verb } }
        : {
            resourceAttributes: {
              group: rule.apiGroups?.[0] ?? '',
              resource: rule.resources?.[0] ?? '',
              verb,
            },
          }),
    };
    await eventually(async () => {
      const review = await authorization.createSubjectAccessReview({ body: { spec } });
      assert.equal(review.status?.allowed, true, `${name} not yet in effect`);
    });
  }

  const metricsReader: [Rule] = [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }];

  describe('a manager with secureMetrics and no certificate directory', () => {
    const stop = new AbortController();
    let running: Promise<void>;
    let metricsUrl: string;
    let pinned: Agent;

    before(async () => {
      const manager = Manager.create({
        kubeConfig: env.kubeConfig,
        logger: testLogger(),
        metricsBindAddress: '127.0.0.1:0',
        healthProbeBindAddress: '0',
        secureMetrics: true,
        cache: { defaultNamespace: namespace },
      });
      manager.register(MetricsSubject);
      running = manager.start(stop.signal);
      const url = (await manager.serving()).metricsUrl;
      assert.ok(url);
      metricsUrl = url;
      await manager.elected();
    });
    after(async () => {
      stop.abort();
      await running;
      await pinned.close();
    });

    it('serves a self-signed certificate for localhost and 127.0.0.1 over https', async () => {
      assert.match(metricsUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
      const certificate = await servedCertificate(metricsUrl);
      assert.equal(certificate.subject, 'CN=localhost');
      assert.equal(certificate.issuer, certificate.subject);
      assert.ok(certificate.verify(certificate.publicKey), 'signed by its own key');
      assert.equal(certificate.ca, false);
      // Then ::1 and the host name (the pod's).
      assert.match(
        certificate.subjectAltName ?? '',
        /^DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/,
      );
      // Every later request verifies the server against this certificate, host name included.
      pinned = new Agent({ connect: { ca: certificate.toString() } });
    });

    it('answers nothing to plain HTTP on the same port', async () => {
      const plain = metricsUrl.replace(/^https:/, 'http:');
      await assert.rejects(fetch(`${plain}/metrics`), TypeError);
    });

    it('answers 401 Unauthorized without a bearer token, and with a token no API server issued', async () => {
      assert.deepEqual(await get(`${metricsUrl}/metrics`, pinned), { status: 401, body: 'Unauthorized\n' });
      assert.deepEqual(await get(`${metricsUrl}/metrics`, pinned, 'not-a-token'), {
        status: 401,
        body: 'Unauthorized\n',
      });
      const basic = await fetch(`${metricsUrl}/metrics`, {
        dispatcher: pinned,
        headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      });
      assert.equal(basic.status, 401);
    });

    it('answers 404 to other paths, before any review', async () => {
      const before = await reviewsCreated(env);
      assert.equal((await get(`${metricsUrl}/debug/pprof`, pinned)).status, 404);
      assert.deepEqual(await reviewsCreated(env), before);
    });

    it('answers 403 Forbidden to a ServiceAccount without the metrics-reader role, then 200 once it is bound', async (t) => {
      const token = await serviceAccountToken('scraper');
      assert.deepEqual(await get(`${metricsUrl}/metrics`, pinned, token), {
        status: 403,
        body: `Authorization denied for user system:serviceaccount:${namespace}:scraper\n`,
      });

      const bound = performance.now();
      await grant('scraper-metrics-reader', { serviceAccount: 'scraper' }, metricsReader);
      // The denial is cached for up to 10 s; the new binding counts from then on.
      const scraped = await eventually(
        async () => {
          const result = await get(`${metricsUrl}/metrics`, pinned, token);
          assert.equal(result.status, 200);
          return result.body;
        },
        15_000,
        250,
      );
      t.diagnostic(`200 ${Math.round(performance.now() - bound)} ms after the ClusterRoleBinding`);
      assert.match(
        scraped,
        /^controller_runtime_max_concurrent_reconciles\{controller="metrics-subject"\} 1$/m,
      );
      assert.match(
        scraped,
        /^controller_runtime_reconcile_total\{controller="metrics-subject",result="success"\}/m,
      );
      assert.match(scraped, /^# TYPE rest_client_requests_total counter$/m);
    });

    it('reviews a token once per cache window: two scrapes cost one TokenReview and one SubjectAccessReview', async () => {
      const token = await serviceAccountToken('prometheus');
      await grant('prometheus-metrics-reader', { serviceAccount: 'prometheus' }, metricsReader);
      const before = await reviewsCreated(env);
      assert.equal((await get(`${metricsUrl}/metrics`, pinned, token)).status, 200);
      assert.equal((await get(`${metricsUrl}/metrics`, pinned, token)).status, 200);
      const afterTwo = await reviewsCreated(env);
      assert.equal(afterTwo.tokenReviews - before.tokenReviews, 1, 'TokenReviews for two scrapes');
      assert.equal(afterTwo.accessReviews - before.accessReviews, 1, 'SubjectAccessReviews for two scrapes');
    });
  });

  describe('withAuthenticationAndAuthorization around a handler of our own', () => {
    const reviewer = 'metrics-reviewer';
    const servers: Server[] = [];
    let url: string;
    let reader: string;

    before(async () => {
      reader = await serviceAccountToken('reader');
      await grant('reader-metrics-reader', { serviceAccount: 'reader' }, metricsReader);
    });
    after(() => {
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
    });

    /** Serves `ok` behind the filter, reviewing as `kubeConfig`. */
    async function serve(kubeConfig: KubeConfig, cacheTtlMs: number): Promise<void> {
      const filter = withAuthenticationAndAuthorization({ kubeConfig, cacheTtlMs, logger: testLogger() });
      const handler = filter(async (_req, res) => {
        res.end('ok');
        return Promise.resolve();
      });
      const server = createServer((req, res) => void handler(req, res));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    }

    it('answers 500, not 401, while its own identity may not create TokenReviews', async () => {
      await serve(env.userKubeConfig({ name: reviewer }), 10_000);
      assert.deepEqual(await get(url, undefined, reader), { status: 500, body: 'Authentication failed\n' });
    });

    it('needs only create on tokenreviews and subjectaccessreviews (the metrics-auth-role)', async () => {
      await grant('reviewer-metrics-auth', { user: reviewer }, [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ]);
      // A failed review is not cached: the next request asks again.
      await eventually(async () => {
        assert.deepEqual(await get(url, undefined, reader), { status: 200, body: 'ok' });
      });
    });

    it('shares one review among concurrent requests, and reviews again once the cache window has passed', async () => {
      await serve(env.userKubeConfig({ name: reviewer }), 500);
      const before = await reviewsCreated(env);
      const burst = await Promise.all(Array.from({ length: 8 }, () => get(url, undefined, reader)));
      assert.deepEqual(new Set(burst.map((r) => r.status)), new Set([200]));
      const afterBurst = await reviewsCreated(env);
      assert.equal(
        afterBurst.tokenReviews - before.tokenReviews,
        1,
        'TokenReviews for 8 concurrent requests',
      );
      assert.equal(afterBurst.accessReviews - before.accessReviews, 1, 'SubjectAccessReviews for 8 requests');

      await sleep(600);
      assert.equal((await get(url, undefined, reader)).status, 200);
      const afterExpiry = await reviewsCreated(env);
      assert.equal(afterExpiry.tokenReviews - afterBurst.tokenReviews, 1, 'TokenReviews after the window');
      assert.equal(afterExpiry.accessReviews - afterBurst.accessReviews, 1, 'SubjectAccessReviews after it');
    });
  });
});
