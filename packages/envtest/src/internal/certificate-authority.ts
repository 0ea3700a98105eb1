import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

/** What a certificate issued by the test CA says about its holder. */
export interface CertificateSubject {
  /** The Kubernetes user name (CN). */
  readonly commonName: string;
  /** The Kubernetes groups (one O each). */
  readonly organizations?: readonly string[];
  readonly usage: 'client' | 'server';
  /** Subject alternative names of a serving certificate. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
}

// Certificates outlive any test run and a long `make cluster` session, yet are useless a week later.
const validityDays = '7';
// A config of our own, so a site-wide openssl.cnf cannot add extensions (such as CA:TRUE) to leaf certificates.
const opensslConfig = '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n';

/**
 * The throw-away certificate authority of one control plane, kept as files in its directory. It signs the
 * kube-apiserver's serving certificate and every client certificate; kube-apiserver trusts it as `--client-ca-file`,
 * so a certificate's CN is the user and its O entries are the groups.
 *
 * It uses the `openssl` CLI (OpenSSL 3, for `req -x509 -CA`) with ECDSA P-256 keys, which are generated in
 * milliseconds, so issuing can be synchronous.
 */
export class CertificateAuthority {
  private constructor(
    /** PEM of the CA certificate, for clients' trust (kubeconfig certificate-authority-data). */
    readonly certPem: string,
    readonly certPath: string,
    readonly keyPath: string,
    private readonly configPath: string,
  ) {}

  /** Creates a new CA in `dir` (ca.crt, ca.key). */
  static create(dir: string): CertificateAuthority {
    mkdirSync(dir, { recursive: true });
    const configPath = join(dir, 'openssl.cnf');
    writeFileSync(configPath, opensslConfig);
    const certPath = join(dir, 'ca.crt');
    const keyPath = join(dir, 'ca.key');
    runOpenssl([
      ...newKeyArgs(configPath),
      '-subj',
      '/CN=spoke-envtest-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]);
    const { cert } = readPems(runOpenssl(['x509', '-in', certPath]));
    return new CertificateAuthority(cert, certPath, keyPath, configPath);
  }

  /** Issues a certificate with a new key, signed by this CA. */
  issue(subject: CertificateSubject): KeyPair {
    const sans = [
      ...(subject.dnsNames ?? []).map((name) => `DNS:${name}`),
      ...(subject.ipAddresses ?? []).map((ip) => `IP:${ip}`),
    ];
    const output = runOpenssl([
      ...newKeyArgs(this.configPath),
      '-CA',
      this.certPath,
      '-CAkey',
      this.keyPath,
      '-subj',
      subjectName(subject),
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-addext',
      `extendedKeyUsage=${subject.usage === 'client' ? 'clientAuth' : 'serverAuth'}`,
      ...(sans.length > 0 ? ['-addext', `subjectAltName=${sans.join(',')}`] : []),
      '-keyout',
      '-',
      '-out',
      '-',
    ]);
    return readPems(output);
  }

  /** Issues a certificate and writes it as `<name>.crt` and `<name>.key` in `dir`; returns both paths. */
  issueFiles(
    dir: string,
    name: string,
    subject: CertificateSubject,
  ): KeyPair & { certPath: string; keyPath: string } {
    const pair = this.issue(subject);
    const certPath = join(dir, `${name}.crt`);
    const keyPath = join(dir, `${name}.key`);
    writeFileSync(certPath, pair.cert);
    writeFileSync(keyPath, pair.key, { mode: 0o600 });
    return { ...pair, certPath, keyPath };
  }
}

function newKeyArgs(configPath: string): string[] {
  return [
    'req',
    '-x509',
    '-new',
    '-utf8',
    '-config',
    configPath,
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-noenc',
    '-days',
    validityDays,
  ];
}

/** `/O=group/.../CN=user`, escaping what openssl's -subj syntax reads as separators, so names are taken literally. */
function subjectName(subject: CertificateSubject): string {
  const escape = (value: string): string => value.replace(/[\\/+]/g, (c) => `\\${c}`);
  const orgs = (subject.organizations ?? []).map((o) => `/O=${escape(o)}`).join('');
  return `${orgs}/CN=${escape(subject.commonName)}`;
}

function runOpenssl(args: string[]): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error: unknown) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `envtest: openssl ${args[0] ?? ''} failed (the openssl 3 CLI must be on PATH): ${detail}`,
      {
        cause: error,
      },
    );
  }
}

function readPems(text: string): KeyPair {
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(text)?.[0] ?? '';
  if (cert === undefined) throw new Error(`envtest: openssl printed no certificate: ${text.slice(0, 200)}`);
  return { cert, key };
}
