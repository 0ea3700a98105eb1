import 'reflect-metadata';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { Agent, fetch } from 'undici';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { Manager } from '../../../src/manager/index.js';
import { generateSelfSignedCertificate } from '../../../src/metrics/server/self-signed-certificate.js';
import { AdmissionDenied, webhookFor, type AdmissionWebhookEntry } from '../../../src/webhook/index.js';
import { createNamespace, eventually, metricValue, testLogger } from '../../support/control-layer-support.js';

const namespace = 'webhooks';
const selector = { matchLabels: { 'webhook-test': 'on' } };

/** A two-version kind: v1 (hub, stored) has `replicas` and `mode`; v1alpha1 has `size` and keeps `mode` in an annotation. */
interface WidgetV1 extends KubernetesObject {
  spec?: { replicas?: number; mode?: string };
}
interface WidgetV1alpha1 extends KubernetesObject {
  spec?: { size?: number };
}
const group = 'webhook.spoke.test';
const modeAnnotation = `${group}/mode`;
const WidgetHub = defineKind<WidgetV1>({
  group,
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
});
const WidgetV1alpha1Kind = defineKind<WidgetV1alpha1>({ ...WidgetHub, version: 'v1alpha1' });

const widgets = webhookFor(WidgetHub, {
  spokes: [
    {
      kind: WidgetV1alpha1Kind,
      convertTo: (spoke: KubernetesObject): WidgetV1 => {
        const { spec, ...rest } = structuredClone(spoke) as WidgetV1alpha1;
        const annotations = rest.metadata?.annotations ?? {};
        const mode = annotations[modeAnnotation] ?? 'default';
        // Lint wants no dynamic delete; the annotation must not survive in the hub.
        Reflect.deleteProperty(annotations, modeAnnotation);
        if (rest.metadata && Object.keys(annotations).length === 0) delete rest.metadata.annotations;
        return { ...rest, spec: { replicas: spec?.size ?? 0, mode } };
      },
      convertFrom: (hub: WidgetV1): KubernetesObject => {
        const { spec, ...rest } = structuredClone(hub);
        const mode = spec?.mode ?? 'default';
        if (mode !== 'default') {
          rest.metadata ??= {};
          rest.metadata.annotations = { ...rest.metadata.annotations, [modeAnnotation]: mode };
        }
        const spoke: WidgetV1alpha1 = { ...rest, spec: { size: spec?.replicas ?? 0 } };
        return spoke;
      },
    },
  ],
  // Admission for a custom kind: the API server converts a v1alpha1 request to the hub (v1) before calling it.
  validator: {
    validateCreate: (w: WidgetV1) => checkWidget(w),
    validateUpdate: (_old: WidgetV1, w: WidgetV1) => checkWidget(w),
    validateDelete: () => undefined,
  },
});

const configMaps = webhookFor(ConfigMap, {
  defaulter: {
    default(cm: V1ConfigMap) {
      cm.data = { defaulted: 'yes', ...cm.data };
      // A key with '/' (escaped ~1 in the patch's pointer).
      cm.metadata ??= {};
      cm.metadata.labels = { ...cm.metadata.labels, [`${group}/defaulted`]: 'true' };
    },
  },
  validator: {
    validateCreate: (cm: V1ConfigMap) => check(cm),
    validateUpdate: (_old: V1ConfigMap, cm: V1ConfigMap) => check(cm),
    validateDelete: () => undefined,
  },
});

function checkWidget(w: WidgetV1): readonly string[] | undefined {
  if ((w.spec?.replicas ?? 0) > 10)
    throw new AdmissionDenied(`spec.replicas must be at most 10, not ${w.spec?.replicas ?? 0}`, {
      code: 422,
      reason: 'Invalid',
    });
  return undefined;
}

function check(cm: V1ConfigMap): readonly string[] | undefined {
  const data = cm.data ?? {};
  if ('boom' in data) throw new Error('boom: the validator crashed');
  if ('forbidden' in data)
    throw new AdmissionDenied('the key "forbidden" is not allowed here', { code: 422, reason: 'Invalid' });
  return 'risky' in data ? ['the key "risky" may drop the cache'] : undefined;
}

/** A webhook configuration entry as `spoke manifests` writes them (service clientConfig; envtest rewrites it). */
function configurationEntry(
  entry: AdmissionWebhookEntry,
  rule = { apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] },
  objectSelector: object = selector,
) {
  return {
    name: entry.name,
    admissionReviewVersions: ['v1'],
    sideEffects: entry.sideEffects,
    failurePolicy: entry.failurePolicy,
    timeoutSeconds: entry.timeoutSeconds,
    clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: entry.path } },
    rules: [{ ...rule, operations: entry.operations }],
    objectSelector,
  };
}

function widgetCrd() {
  const schema = (spec: Record<string, unknown>) => ({
    openAPIV3Schema: {
      type: 'object',
      properties: { spec: { type: 'object', properties: spec } },
    },
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: schema({ replicas: { type: 'integer' }, mode: { type: 'string' } }),
        },
        { name: 'v1alpha1', served: true, storage: false, schema: schema({ size: { type: 'integer' } }) },
      ],
      conversion: {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1'],
          clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/convert' } },
        },
      },
    },
  };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The SHA-256 fingerprint of the certificate a TLS server presents now, over a new connection. */
async function servedFingerprint(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate();
      socket.end();
      resolve(new X509Certificate(peer.raw).fingerprint256);
    });
    socket.once('error', reject);
  });
}

describe('webhooks: the manager serves admission and conversion to a real kube-apiserver', () => {
  let env: ControlPlane;
  let manager: Manager;
  let running: Promise<void>;
  const stop = new AbortController();
  let webhookUrl: string;
  let probeUrl: string;
  let metricsUrl: string;
  let agent: Agent;
  let crdDir: string;
  let counter = 0;

  const kubectl = (args: readonly string[], stdin?: unknown): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn('kubectl', args, {
        env: { ...process.env, KUBECONFIG: env.kubeconfigPath },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(stdin === undefined ? '' : JSON.stringify(stdin));
    });

  const labelled = (data: Record<string, string>, name = `cm-${++counter}`): V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { 'webhook-test': 'on' } },
    data,
  });

  /** `kubectl create -o json` of a labelled ConfigMap: what the webhooks made of it. */
  const create = (data: Record<string, string>): Promise<Run> =>
    kubectl(['create', '-f', '-', '-o', 'json'], labelled(data));

  const review = (data: Record<string, string>) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `direct-${++counter}`,
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      operation: 'CREATE',
      namespace,
      name: 'direct',
      userInfo: { username: 'test' },
      object: labelled(data, 'direct'),
      oldObject: null,
    },
  });

  const post = async (path: string, body: string, contentType = 'application/json') => {
    const res = await fetch(`${webhookUrl}${path}`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': contentType },
      body,
    });
    return { status: res.status, body: await res.text() };
  };

  before(async () => {
    crdDir = mkdtempSync(join(tmpdir(), 'webhook-crds-'));
    writeFileSync(join(crdDir, 'widgets.json'), JSON.stringify(widgetCrd()));
    env = await ControlPlane.start({
      crdPaths: [crdDir],
      webhookInstallOptions: {
        mutatingWebhooks: [
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            metadata: { name: 'spoke-test-mutating' },
            webhooks: [configurationEntry(configMaps.mutating as AdmissionWebhookEntry)],
          },
        ],
        validatingWebhooks: [
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            metadata: { name: 'spoke-test-validating' },
            webhooks: [
              configurationEntry(configMaps.validating as AdmissionWebhookEntry),
              configurationEntry(
                widgets.validating as AdmissionWebhookEntry,
                { apiGroups: [group], apiVersions: ['v1'], resources: ['widgets'] },
                {},
              ),
            ],
          },
        ],
      },
    });
    await createNamespace(env.kubeConfig, namespace);
    const installed = env.webhookInstallOptions;
    assert.ok(installed);
    agent = new Agent({ connect: { ca: installed.caBundle } });
    manager = Manager.create({
      kubeConfig: env.kubeConfig,
      logger: testLogger(),
      metricsBindAddress: '127.0.0.1:0',
      healthProbeBindAddress: '127.0.0.1:0',
      webhookServer: {
        host: installed.localServingHost,
        port: installed.localServingPort,
        certDir: installed.localServingCertDir,
        certPollIntervalMs: 250,
      },
    });
    manager.registerWebhooks(configMaps, widgets);
    running = manager.start(stop.signal);
    const serving = await manager.serving();
    probeUrl = serving.healthProbeUrl ?? '';
    metricsUrl = serving.metricsUrl ?? '';
    webhookUrl = serving.webhookUrl ?? '';
    assert.equal(webhookUrl, `https://127.0.0.1:${installed.localServingPort}`);
    // The API server loads webhook configurations asynchronously: wait for a positive witness, a defaulted create.
    await eventually(
      async () => {
        const run = await create({});
        assert.equal(run.code, 0, run.stderr);
        assert.equal((JSON.parse(run.stdout) as V1ConfigMap).data?.['defaulted'], 'yes');
      },
      60_000,
      250,
    );
  });

  after(async () => {
    stop.abort();
    await running;
    await agent.close();
    await env.stop();
    rmSync(crdDir, { recursive: true, force: true });
  });

  it("applies the defaulter's values on create (a JSON patch, '/' in a key escaped)", async () => {
    const run = await create({ own: 'value' });
    assert.equal(run.code, 0, run.stderr);
    const created = JSON.parse(run.stdout) as V1ConfigMap;
    assert.deepEqual(created.data, { defaulted: 'yes', own: 'value' });
    assert.equal(created.metadata?.labels?.[`${group}/defaulted`], 'true');
    const stored = await kubectl([
      'get',
      'configmap',
      '-n',
      namespace,
      created.metadata.name ?? '',
      '-o',
      'json',
    ]);
    assert.equal((JSON.parse(stored.stdout) as V1ConfigMap).data?.['defaulted'], 'yes');
  });

  it("brings the validator's denial to kubectl with its message, and its warnings to stderr", async () => {
    const denied = await create({ forbidden: 'x' });
    assert.notEqual(denied.code, 0);
    assert.match(
      denied.stderr,
      /admission webhook "vconfigmap-v1\.core\.k8s\.io" denied the request: the key "forbidden" is not allowed here/,
    );
    const warned = await create({ risky: 'x' });
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: the key "risky" may drop the cache/);
  });

  it('answers a throwing handler with 500 and its message, and serves the next request', async () => {
    const direct = await post(configMaps.validating?.path ?? '', JSON.stringify(review({ boom: '1' })));
    assert.equal(direct.status, 200);
    const response = (
      JSON.parse(direct.body) as { response: { allowed: boolean; status: { code: number; message: string } } }
    ).response;
    assert.equal(response.allowed, false);
    assert.equal(response.status.code, 500);
    assert.equal(response.status.message, 'boom: the validator crashed');
    const viaKubectl = await create({ boom: '1' });
    assert.notEqual(viaKubectl.code, 0);
    assert.match(viaKubectl.stderr, /boom: the validator crashed/);
    const next = await create({ fine: '1' });
    assert.equal(next.code, 0, next.stderr);
  });

  it('answers a malformed, oversized or mistyped review with 400 and a message', async () => {
    const path = configMaps.validating?.path ?? '';
    const malformed = await post(path, '{"apiVersion": "admission.k8s.io/v1", "kind": ');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body, /the request body is not JSON/);
    const wrongKind = await post(path, JSON.stringify({ ...review({}), kind: 'ConversionReview' }));
    assert.equal(wrongKind.status, 400);
    assert.match(wrongKind.body, /expected a AdmissionReview of admission.k8s.io\/v1/);
    const oversized = await post(path, JSON.stringify(review({ big: 'x'.repeat(7 * 1024 * 1024) })));
    assert.equal(oversized.status, 400);
    assert.match(oversized.body, /larger than the limit of 7340032 bytes/);
    const text = await post(path, JSON.stringify(review({})), 'text/plain');
    assert.equal(text.status, 400);
    assert.match(text.body, /expected application\/json/);
    const badConversion = await post('/convert', 'nope');
    assert.equal(badConversion.status, 400);
    // Still serving.
    const ok = await post(path, JSON.stringify(review({})));
    assert.equal(ok.status, 200);
  });

  it('converts through the hub: a v1alpha1 object reads back in v1 and, unchanged, in v1alpha1', async () => {
    const alpha = {
      apiVersion: `${group}/v1alpha1`,
      kind: 'Widget',
      metadata: { name: 'alpha', namespace },
      spec: { size: 3 },
    };
    const created = await kubectl(['create', '-f', '-', '-o', 'json'], alpha);
    assert.equal(created.code, 0, created.stderr);
    const asV1 = await kubectl(['get', `widgets.v1.${group}`, '-n', namespace, 'alpha', '-o', 'json']);
    assert.equal(asV1.code, 0, asV1.stderr);
    assert.deepEqual((JSON.parse(asV1.stdout) as WidgetV1).spec, { replicas: 3, mode: 'default' });
    const asAlpha = await kubectl([
      'get',
      `widgets.v1alpha1.${group}`,
      '-n',
      namespace,
      'alpha',
      '-o',
      'json',
    ]);
    const readBack = JSON.parse(asAlpha.stdout) as WidgetV1alpha1;
    assert.deepEqual(readBack.spec, { size: 3 });
    assert.equal(readBack.metadata?.annotations, undefined);

    // What v1alpha1 cannot hold survives its round trip in an annotation.
    const hub = {
      ...alpha,
      apiVersion: `${group}/v1`,
      metadata: { name: 'fast', namespace },
      spec: { replicas: 2, mode: 'fast' },
    };
    assert.equal((await kubectl(['create', '-f', '-'], hub)).code, 0);
    const fastAlpha = JSON.parse(
      (await kubectl(['get', `widgets.v1alpha1.${group}`, '-n', namespace, 'fast', '-o', 'json'])).stdout,
    ) as WidgetV1alpha1;
    assert.deepEqual(fastAlpha.spec, { size: 2 });
    assert.equal(fastAlpha.metadata?.annotations?.[modeAnnotation], 'fast');
    fastAlpha.spec = { size: 4 };
    const replaced = await kubectl(['replace', '-f', '-'], fastAlpha);
    assert.equal(replaced.code, 0, replaced.stderr);
    const fastV1 = JSON.parse(
      (await kubectl(['get', `widgets.v1.${group}`, '-n', namespace, 'fast', '-o', 'json'])).stdout,
    ) as WidgetV1;
    assert.deepEqual(fastV1.spec, { replicas: 4, mode: 'fast' });
    assert.equal(fastV1.metadata?.annotations?.[modeAnnotation], undefined);
  });

  it('validates a custom kind in its hub version, whichever version the client wrote', async () => {
    const tooBig = {
      apiVersion: `${group}/v1alpha1`,
      kind: 'Widget',
      metadata: { name: 'too-big', namespace },
      spec: { size: 11 },
    };
    const denied = await kubectl(['create', '-f', '-'], tooBig);
    assert.notEqual(denied.code, 0);
    assert.match(
      denied.stderr,
      /admission webhook "vwidget-v1\.webhook\.spoke\.test" denied the request: spec\.replicas must be at most 10, not 11/,
    );
    const fine = await kubectl(['create', '-f', '-'], { ...tooBig, spec: { size: 10 } });
    assert.equal(fine.code, 0, fine.stderr);
  });

  it("counts requests in controller-runtime's webhook metrics", async () => {
    const text = await (await fetch(`${metricsUrl}/metrics`)).text();
    const mutate = configMaps.mutating?.path ?? '';
    const validate = configMaps.validating?.path ?? '';
    assert.ok(
      metricValue(text, 'controller_runtime_webhook_requests_total', { webhook: mutate, code: '200' }) > 0,
    );
    assert.ok(
      metricValue(text, 'controller_runtime_webhook_requests_total', { webhook: validate, code: '200' }) > 0,
    );
    assert.ok(
      metricValue(text, 'controller_runtime_webhook_requests_total', { webhook: validate, code: '400' }) >= 4,
    );
    assert.ok(
      metricValue(text, 'controller_runtime_webhook_requests_total', { webhook: '/convert', code: '200' }) >
        0,
    );
    assert.ok(metricValue(text, 'controller_runtime_webhook_latency_seconds_count', { webhook: mutate }) > 0);
    assert.match(
      text,
      new RegExp(`controller_runtime_webhook_requests_in_flight\\{webhook="${validate}"\\} 0`),
    );
  });

  it('serves replaced certificate files without a restart', async () => {
    const installed = env.webhookInstallOptions;
    assert.ok(installed);
    const certPath = join(installed.localServingCertDir, 'tls.crt');
    const keyPath = join(installed.localServingCertDir, 'tls.key');
    const original = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    const originalFingerprint = new X509Certificate(original.cert).fingerprint256;
    const { localServingHost: host, localServingPort: port } = installed;
    assert.equal(await servedFingerprint(host, port), originalFingerprint);

    // A certificate the API server does not trust, written one file at a time (the half-written pair is refused).
    const untrusted = await generateSelfSignedCertificate();
    writeFileSync(keyPath, untrusted.key);
    writeFileSync(certPath, untrusted.cert);
    const untrustedFingerprint = new X509Certificate(untrusted.cert).fingerprint256;
    await eventually(
      async () => {
        assert.equal(await servedFingerprint(host, port), untrustedFingerprint);
      },
      60_000,
      100,
    );
    await eventually(
      async () => {
        const run = await create({});
        assert.notEqual(run.code, 0, 'the API server still called the webhook with the old certificate');
        assert.match(run.stderr, /failed calling webhook.*(x509|certificate)/);
      },
      60_000,
      250,
    );

    // The trusted pair back: served again, and the API server's calls succeed again.
    writeFileSync(keyPath, original.key);
    writeFileSync(certPath, original.cert);
    await eventually(
      async () => {
        assert.equal(await servedFingerprint(host, port), originalFingerprint);
      },
      60_000,
      100,
    );
    await eventually(
      async () => {
        const run = await create({});
        assert.equal(run.code, 0, run.stderr);
        assert.equal((JSON.parse(run.stdout) as V1ConfigMap).data?.['defaulted'], 'yes');
      },
      60_000,
      250,
    );
  });

  it('with the webhook server stopped, failurePolicy Fail refuses writes and /readyz reports the webhook check', async () => {
    const ready = await fetch(`${probeUrl}/readyz?verbose`);
    assert.equal(ready.status, 200, await ready.text());
    await manager.webhookServer.stop();
    const probe = await fetch(`${probeUrl}/readyz`);
    assert.equal(probe.status, 500);
    assert.match(await probe.text(), /\[-\]webhook failed: the webhook server is not serving/);
    const refused = await create({});
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /failed calling webhook "mconfigmap-v1\.core\.k8s\.io".*connection refused/);
    // Unlabelled ConfigMaps are not the webhook's: still written.
    const other = await kubectl(['create', 'configmap', '-n', namespace, 'unwatched']);
    assert.equal(other.code, 0, other.stderr);
  });
});
