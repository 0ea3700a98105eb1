import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkServerIdentity, connect, createServer } from 'node:tls';
import { promisify } from 'node:util';
import { generateSelfSignedCertificate } from '../../../../src/metrics/server/self-signed-certificate.js';

const day = 24 * 60 * 60 * 1000;

describe('generateSelfSignedCertificate', () => {
  it('makes a P-256 serving certificate for the loopback names and the host name, with its PKCS#8 key', async () => {
    const { cert, key } = await generateSelfSignedCertificate();
    assert.match(cert, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    assert.match(key, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const certificate = new X509Certificate(cert);
    const privateKey = createPrivateKey(key);
    assert.ok(certificate.checkPrivateKey(privateKey), 'the certificate matches its key');
    assert.equal(privateKey.asymmetricKeyType, 'ec');
    assert.equal(privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(certificate.subject, 'CN=localhost');
    assert.equal(certificate.issuer, certificate.subject);
    assert.ok(certificate.verify(certificate.publicKey), 'self-signed');
    assert.equal(certificate.ca, false);
    assert.deepEqual(certificate.keyUsage, ['1.3.6.1.5.5.7.3.1']); // node names the extended key usage: serverAuth

    const sans = (certificate.subjectAltName ?? '').split(', ');
    for (const san of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']) {
      assert.ok(sans.includes(san), `${san} in ${sans.join(', ')}`);
    }
    assert.ok(sans.includes(`DNS:${hostname().toLowerCase()}`), `the host name in ${sans.join(', ')}`);
    const peer = { subject: { CN: 'localhost' }, subjectaltname: certificate.subjectAltName };
    for (const name of ['localhost', '127.0.0.1', '::1', hostname()]) {
      assert.equal(checkServerIdentity(name, peer as never), undefined, `valid for ${name}`);
    }
    assert.ok(checkServerIdentity('example.com', peer as never) instanceof Error);

    const validity = certificate.validToDate.getTime() - certificate.validFromDate.getTime();
    assert.equal(validity, 365 * day);
    assert.ok(Math.abs(certificate.validFromDate.getTime() - Date.now()) < 60_000, 'valid from now');
  });

  it('makes a new key and serial number each time', async () => {
    const [a, b] = await Promise.all([generateSelfSignedCertificate(), generateSelfSignedCertificate()]);
    assert.notEqual(a.key, b.key);
    assert.notEqual(new X509Certificate(a.cert).serialNumber, new X509Certificate(b.cert).serialNumber);
  });

  it('is served by a node TLS server and verifies against itself as the trusted certificate', async () => {
    const { cert, key } = await generateSelfSignedCertificate();
    const server = createServer({ cert, key }, (socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const servername of ['localhost', undefined]) {
        const { served, authorized, body } = await new Promise<{
          served: X509Certificate;
          authorized: boolean;
          body: string;
        }>((resolve, reject) => {
          // Verified: the certificate is its own trust anchor; by name (SNI localhost), else by the IP address.
          const socket = connect(
            { host: '127.0.0.1', port, servername, ca: cert, rejectUnauthorized: true },
            () => {
              const served = new X509Certificate(socket.getPeerCertificate().raw);
              let body = '';
              socket.setEncoding('utf8');
              socket.on('data', (chunk: string) => {
                body += chunk;
              });
              socket.on('end', () => {
                resolve({ served, authorized: socket.authorized, body });
              });
            },
          );
          socket.once('error', reject);
        });
        assert.equal(served.fingerprint256, new X509Certificate(cert).fingerprint256);
        assert.ok(authorized);
        assert.equal(body, 'hello');
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('with no program on PATH (as in the distroless image, which has no openssl)', () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'empty-path-'));
    after(() => {
      rmSync(emptyDir, { recursive: true, force: true });
    });

    it('still makes a certificate and key', async () => {
      assert.deepEqual(readdirSync(emptyDir), []);
      const module = fileURLToPath(
        new URL('../../../../src/metrics/server/self-signed-certificate.js', import.meta.url),
      );
      const script = [
        `const { generateSelfSignedCertificate } = await import(${JSON.stringify(module)});`,
        'process.stdout.write(JSON.stringify(await generateSelfSignedCertificate()));',
      ].join('\n');
      // The same node, by absolute path; its environment is only PATH, an empty directory: nothing to spawn.
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: emptyDir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const { cert, key } = JSON.parse(stdout) as { cert: string; key: string };
      const certificate = new X509Certificate(cert);
      assert.ok(certificate.checkPrivateKey(createPrivateKey(key)));
      assert.ok(certificate.subjectAltName?.includes('DNS:localhost'));
    });
  });
});
