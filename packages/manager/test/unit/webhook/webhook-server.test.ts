import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import winston from 'winston';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { WebhookServer, webhookFor } from '../../../src/webhook/index.js';

const silent = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });

/** POSTs `body` to the server, trusting its (self-signed) certificate. */
function post(
  url: string,
  path: string,
  body: unknown,
  ca: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: 'POST', ca, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text });
        });
      },
    );
    req.once('error', reject);
    req.end(JSON.stringify(body));
  });
}

const review = (uid: string) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid,
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    operation: 'CREATE',
    namespace: 'ns',
    name: 'cm',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' } },
  },
});

describe('WebhookServer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-server-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses two declarations on one path', () => {
    const server = new WebhookServer({}, silent);
    const declaration = webhookFor(ConfigMap, { defaulter: { default: () => undefined } });
    server.register(declaration);
    assert.throws(() => {
      server.register(webhookFor(ConfigMap, { defaulter: { default: () => undefined } }));
    }, /a webhook is already registered on \/mutate-core-v1-configmap/);
  });

  it('fails to start without a certificate unless selfSigned, then serves patches and drains on stop', async () => {
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const declaration = webhookFor(ConfigMap, {
      defaulter: {
        async default(cm: V1ConfigMap, ctx) {
          if (ctx.request.uid === 'slow') {
            entered();
            await gate;
          }
          cm.data = { added: 'yes' };
        },
      },
    });
    const missing = new WebhookServer({ host: '127.0.0.1', port: 0, certDir: join(dir, 'none') }, silent);
    missing.register(declaration);
    await assert.rejects(
      missing.start(),
      /cannot use the certificate .*tls\.crt.*set selfSigned for a local run/,
    );

    const server = new WebhookServer({ host: '127.0.0.1', port: 0, certDir: dir, selfSigned: true }, silent);
    server.register(declaration);
    await server.start();
    const url = server.url ?? '';
    const ca = readFileSync(join(dir, 'tls.crt'), 'utf8');
    assert.equal(server.certificate, ca);
    await server.startedChecker();

    const answer = await post(url, '/mutate-core-v1-configmap', review('fast'), ca);
    assert.equal(answer.status, 200);
    const { response } = JSON.parse(answer.body) as {
      response: { uid: string; allowed: boolean; patchType: string; patch: string };
    };
    assert.equal(response.uid, 'fast');
    assert.equal(response.allowed, true);
    assert.equal(response.patchType, 'JSONPatch');
    assert.deepEqual(JSON.parse(Buffer.from(response.patch, 'base64').toString()), [
      { op: 'add', path: '/data', value: { added: 'yes' } },
    ]);
    assert.equal((await post(url, '/nowhere', {}, ca)).status, 404);

    // A request in flight when stop() is called is still answered.
    const slow = post(url, '/mutate-core-v1-configmap', review('slow'), ca);
    await inHandler;
    const stopped = server.stop();
    await assert.rejects(async () => {
      await server.startedChecker();
    }, /the webhook server is not serving/);
    release();
    assert.equal((await slow).status, 200);
    await stopped;
    await assert.rejects(post(url, '/mutate-core-v1-configmap', review('late'), ca), /ECONNREFUSED/);
  });
});
