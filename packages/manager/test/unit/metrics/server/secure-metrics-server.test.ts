import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connect } from 'node:tls';
import winston from 'winston';
import { newLogger } from '../../../../src/log/new-logger.js';
import { SecureMetricsServer } from '../../../../src/metrics/server/secure-metrics-server.js';
import { generateSelfSignedCertificate } from '../../../../src/metrics/server/self-signed-certificate.js';
import { waitFor } from '../../../support/wait-for.js';

const silent = () => newLogger({ transports: [new winston.transports.Console({ silent: true })] });
const loopback = { host: '127.0.0.1', port: 0 };
const handler = async (_req: unknown, res: { end(body: string): void }) => {
  res.end('ok');
  return Promise.resolve();
};

/** The certificate `url` presents, unverified. */
async function handshake(url: string): Promise<{ certificate: X509Certificate }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const certificate = new X509Certificate(socket.getPeerCertificate().raw);
      socket.end();
      resolve({ certificate });
    });
    socket.once('error', reject);
  });
}

describe('SecureMetricsServer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secure-metrics-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a self-signed certificate in milliseconds when no certificate directory is given', async () => {
    const started = performance.now();
    const server = await SecureMetricsServer.listen({ address: loopback, handler, logger: silent() });
    const elapsed = performance.now() - started;
    try {
      const { certificate } = await handshake(server.url);
      assert.equal(certificate.toString(), new X509Certificate(server.certificate).toString());
      assert.match(certificate.subjectAltName ?? '', /^DNS:localhost, IP Address:127\.0\.0\.1, /);
      assert.ok(elapsed < 5_000, `took ${Math.round(elapsed)} ms`);
    } finally {
      await server.close();
    }
  });

  it('serves tls.crt and tls.key from the certificate directory and reloads them when they change', async () => {
    const [first, second] = await Promise.all([
      generateSelfSignedCertificate(),
      generateSelfSignedCertificate(),
    ]);
    writeFileSync(join(dir, 'tls.crt'), first.cert);
    writeFileSync(join(dir, 'tls.key'), first.key);
    const server = await SecureMetricsServer.listen({
      address: loopback,
      handler,
      certDir: dir,
      certPollIntervalMs: 50,
      logger: silent(),
    });
    try {
      const served = async () => (await handshake(server.url)).certificate.fingerprint256;
      assert.equal(await served(), new X509Certificate(first.cert).fingerprint256);
      // The key first: until the certificate follows, the pair does not match and the old one stays.
      writeFileSync(join(dir, 'tls.key'), second.key);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await served(), new X509Certificate(first.cert).fingerprint256);
      writeFileSync(join(dir, 'tls.crt'), second.cert);
      const renewed = new X509Certificate(second.cert).fingerprint256;
      await waitFor('the renewed certificate to be served', async () => (await served()) === renewed, 5_000);
    } finally {
      await server.close();
    }
  });

  it('serves the certificate and key named by certName and keyName (--metrics-cert-name/-key)', async () => {
    const named = mkdtempSync(join(dir, 'named-'));
    const pair = await generateSelfSignedCertificate();
    writeFileSync(join(named, 'cert.pem'), pair.cert);
    writeFileSync(join(named, 'key.pem'), pair.key);
    const server = await SecureMetricsServer.listen({
      address: loopback,
      handler,
      certDir: named,
      certName: 'cert.pem',
      keyName: 'key.pem',
      logger: silent(),
    });
    try {
      const { certificate } = await handshake(server.url);
      assert.equal(certificate.fingerprint256, new X509Certificate(pair.cert).fingerprint256);
    } finally {
      await server.close();
    }
  });

  it('falls back to a self-signed certificate when the directory holds only one of the two files', async () => {
    const half = mkdtempSync(join(dir, 'half-'));
    const lone = (await generateSelfSignedCertificate()).cert;
    writeFileSync(join(half, 'tls.crt'), lone);
    const server = await SecureMetricsServer.listen({
      address: loopback,
      handler,
      certDir: half,
      logger: silent(),
    });
    try {
      const { certificate } = await handshake(server.url);
      assert.equal(certificate.toString(), new X509Certificate(server.certificate).toString());
      assert.notEqual(certificate.fingerprint256, new X509Certificate(lone).fingerprint256);
    } finally {
      await server.close();
    }
  });

  it('refuses to start with a certificate and a key that do not match', async () => {
    const mismatched = mkdtempSync(join(dir, 'mismatched-'));
    const [a, b] = await Promise.all([generateSelfSignedCertificate(), generateSelfSignedCertificate()]);
    writeFileSync(join(mismatched, 'tls.crt'), a.cert);
    writeFileSync(join(mismatched, 'tls.key'), b.key);
    await assert.rejects(
      SecureMetricsServer.listen({ address: loopback, handler, certDir: mismatched, logger: silent() }),
      /the key does not match the certificate/,
    );
  });
});
