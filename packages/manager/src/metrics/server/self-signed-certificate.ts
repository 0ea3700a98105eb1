// @peculiar/x509 looks its algorithms up in tsyringe's container, and tsyringe throws when it is loaded without a
// Reflect metadata polyfill. @spoke/manager's index imports 'reflect-metadata' first, but this module does not rely on
// being reached through it (its tests import it directly): it imports the polyfill itself, statically, so it is
// evaluated when this module is, before generateSelfSignedCertificate() can import @peculiar/x509.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { errorMessage } from '../../internal/errors/error-message.js';

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface CertificateAndKey {
  readonly cert: string;
  readonly key: string;
}

// A year, as controller-runtime's self-signed metrics certificate: a manager is restarted more often than that.
const validityMs = 365 * 24 * 60 * 60 * 1000;

const p256: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/**
 * A new ECDSA P-256 key and a self-signed serving certificate, valid for a year, for `localhost`, `127.0.0.1`, `::1`
 * and the machine's host name (the pod's name in a pod), as controller-runtime makes when its metrics server has no
 * certificate files: enough to encrypt the scrape (scrapers skip verification or pin it); mount a certificate signed
 * by a CA they trust to have it verified.
 *
 * It is made in-process with node's Web Crypto and `@peculiar/x509`: no external program and no file, so it works on
 * a distroless image and a read-only root filesystem.
 */
export async function generateSelfSignedCertificate(): Promise<CertificateAndKey> {
  try {
    // Loaded on first use: it takes a few hundred milliseconds, which a manager with a mounted certificate (or
    // with plain-HTTP metrics) need not pay at startup.
    const x509 = await import('@peculiar/x509');
    const keys = await webcrypto.subtle.generateKey(p256, true, ['sign', 'verify']);
    const notBefore = new Date();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        // No serialNumber: the library draws 16 random bytes (kept positive) from the crypto passed below.
        name: 'CN=localhost',
        notBefore,
        notAfter: new Date(notBefore.getTime() + validityMs),
        keys,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(subjectAltNames()),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
        ],
      },
      webcrypto,
    );
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    return {
      cert: `${certificate.toString('pem')}\n`,
      key: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
    };
  } catch (err: unknown) {
    const detail = errorMessage(err);
    throw new Error(
      `generating a self-signed metrics certificate failed (put tls.crt and tls.key in the metrics certificate ` +
        `directory instead): ${detail}`,
      { cause: err },
    );
  }
}

/** The loopback names, then the host name when it is a DNS name of its own (not an address, not `localhost`). */
function subjectAltNames(): { type: 'dns' | 'ip'; value: string }[] {
  const names: { type: 'dns' | 'ip'; value: string }[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  const host = hostname().toLowerCase();
  if (host !== 'localhost' && isIP(host) === 0 && isDnsName(host)) names.push({ type: 'dns', value: host });
  return names;
}

// RFC 1123 labels of letters, digits and inner hyphens, as a pod's host name is: a dNSName is ASCII only.
const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function isDnsName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => dnsLabel.test(label));
}
