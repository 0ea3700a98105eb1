import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CertificateAuthority } from '../../src/internal/certificate-authority.js';

describe('CertificateAuthority', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoke-envtest-unit-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const ca = CertificateAuthority.create(dir);
  const caCert = new X509Certificate(ca.certPem);

  it('is a self-signed CA', () => {
    assert.equal(caCert.ca, true);
    assert.ok(caCert.checkIssued(caCert));
  });

  it('issues a client certificate whose CN is the user and whose O entries are the groups', () => {
    const { cert, key } = ca.issue({
      commonName: 'alice',
      organizations: ['devs', 'system:masters'],
      usage: 'client',
    });
    const x509 = new X509Certificate(cert);
    assert.equal(x509.subject, 'O=devs\nO=system:masters\nCN=alice');
    assert.equal(x509.ca, false);
    assert.ok(x509.checkIssued(caCert) && x509.verify(caCert.publicKey), 'signed by the CA');
    assert.deepEqual(x509.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'clientAuth only');
    assert.ok(x509.checkPrivateKey(createPrivateKey(key)));
  });

  it('takes names literally, even with the characters of openssl subject syntax', () => {
    const { cert } = ca.issue({ commonName: 'team/a+b=c', organizations: ['x/y'], usage: 'client' });
    // Node prints the subject RFC 4514 style, escaping the `+` that openssl stored literally.
    assert.equal(new X509Certificate(cert).subject, 'O=x/y\nCN=team/a\\+b=c');
  });

  it('issues a serving certificate for the given names and addresses', () => {
    const { cert } = ca.issue({
      commonName: 'kube-apiserver',
      usage: 'server',
      dnsNames: ['localhost', 'kubernetes.default.svc'],
      ipAddresses: ['127.0.0.1'],
    });
    const x509 = new X509Certificate(cert);
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x509.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
    assert.deepEqual(x509.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth only');
  });
});
