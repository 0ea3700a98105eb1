import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface CertificateAndKey {
  readonly cert: string;
  readonly key: string;
}

const execFileAsync = promisify(execFile);

// A year, as controller-runtime's self-signed metrics certificate: a manager is restarted more often than that.
const validityDays = '365';

/**
 * A new ECDSA P-256 key and a self-signed serving certificate for `localhost` and `127.0.0.1`, as controller-runtime
 * makes when its metrics server has no certificate files: enough to encrypt the scrape (scrapers skip verification
 * or pin it); mount a certificate signed by a CA they trust to have it verified.
 *
 * It runs the `openssl` 3 CLI, which must be on PATH: no file is written (`-config /dev/null`, PEM on stdout), so it
 * works on a read-only root filesystem. distroless images carry no `openssl`: there, give the manager a certificate.
 */
export async function generateSelfSignedCertificate(): Promise<CertificateAndKey> {
  const args = [
    'req',
    '-x509',
    '-new',
    // No site-wide openssl.cnf may add extensions (such as CA:TRUE) to this leaf certificate.
    '-config',
    '/dev/null',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-noenc',
    '-days',
    validityDays,
    '-subj',
    '/CN=localhost',
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature',
    '-addext',
    'extendedKeyUsage=serverAuth',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    '-',
    '-out',
    '-',
  ];
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('openssl', args, { encoding: 'utf8' }));
  } catch (err: unknown) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(
      `generating a self-signed metrics certificate with the openssl CLI failed (is openssl 3 on PATH? ` +
        `else put tls.crt and tls.key in the metrics certificate directory): ${detail}`,
      { cause: err },
    );
  }
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(stdout)?.[0];
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(stdout)?.[0];
  if (cert === undefined || key === undefined) {
    throw new Error('generating a self-signed metrics certificate: openssl printed no certificate and key');
  }
  return { cert, key };
}
