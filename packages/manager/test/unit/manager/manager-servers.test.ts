import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import winston from 'winston';
import { newLogger } from '../../../src/log/new-logger.js';
import { ManagerServers } from '../../../src/manager/manager-servers.js';
import { generateSelfSignedCertificate } from '../../../src/metrics/server/self-signed-certificate.js';

/** The SHA-256 fingerprint of the certificate `url` presents, unverified. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(new X509Certificate(socket.getPeerCertificate().raw).fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('ManagerServers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manager-servers-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves secure metrics with the certificate and key named by metricsCertName and metricsKeyName', async () => {
    const pair = await generateSelfSignedCertificate();
    writeFileSync(join(dir, 'cert.pem'), pair.cert);
    writeFileSync(join(dir, 'key.pem'), pair.key);
    const servers = new ManagerServers({
      kubeConfig: new KubeConfig(),
      logger: newLogger({ transports: [new winston.transports.Console({ silent: true })] }),
      metricsBindAddress: '127.0.0.1:0',
      healthProbeBindAddress: '0',
      secureMetrics: true,
      metricsCertDir: dir,
      metricsCertName: 'cert.pem',
      metricsKeyName: 'key.pem',
    });
    await servers.start();
    try {
      const { metricsUrl } = await servers.serving();
      assert.ok(metricsUrl);
      assert.equal(await servedFingerprint(metricsUrl), new X509Certificate(pair.cert).fingerprint256);
    } finally {
      await servers.close();
    }
  });
});
