import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { InstalledWebhookOptions, WebhookInstallOptions } from '../control-plane-options.js';
import type { CertificateAuthority } from './certificate-authority.js';
import type { AdminRequest } from './crd-installer.js';
import { waitFor } from '../wait-for.js';

type Json = Record<string, unknown>;

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);
const mutatingKind = 'MutatingWebhookConfiguration';
const validatingKind = 'ValidatingWebhookConfiguration';
const resources: Record<string, string> = {
  [mutatingKind]: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  [validatingKind]: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
};

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The serving side of the webhooks: where the test's server listens, and how the API server reaches it. */
export interface WebhookServing {
  readonly host: string;
  readonly port: number;
  readonly certDir: string;
  readonly caBundle: string;
}

/** Issues the serving certificate for `host` (and the loopback names) into `<dir>/webhook-serving-certs`. */
export function prepareWebhookServing(
  dir: string,
  ca: CertificateAuthority,
  host: string,
  port: number,
): WebhookServing {
  const certDir = join(dir, 'webhook-serving-certs');
  mkdirSync(certDir, { recursive: true });
  const ips = new Set(['127.0.0.1', ...(isIP(host) === 0 ? [] : [host])]);
  const dnsNames = new Set(['localhost', ...(isIP(host) === 0 ? [host] : [])]);
  const { cert, key } = ca.issue({
    commonName: 'spoke-envtest-webhook',
    usage: 'server',
    dnsNames: [...dnsNames],
    ipAddresses: [...ips],
  });
  writeFileSync(join(certDir, 'tls.crt'), cert);
  writeFileSync(join(certDir, 'tls.key'), key, { mode: 0o600 });
  return { host, port, certDir, caBundle: ca.certPem };
}

/** `https://host:port` with an IPv6 host in brackets. */
function baseUrl(serving: WebhookServing): string {
  const host = isIP(serving.host) === 6 ? `[${serving.host}]` : serving.host;
  return `https://${host}:${serving.port}`;
}

/** A clientConfig pointing at the local server, keeping the path of the service (or URL) it named. */
function localClientConfig(clientConfig: unknown, serving: WebhookServing, defaultPath: string): Json {
  let path = defaultPath;
  if (isRecord(clientConfig)) {
    const service = clientConfig['service'];
    if (isRecord(service) && typeof service['path'] === 'string') path = service['path'];
    else if (typeof clientConfig['url'] === 'string') path = new URL(clientConfig['url']).pathname;
  }
  return {
    url: `${baseUrl(serving)}${path}`,
    caBundle: Buffer.from(serving.caBundle).toString('base64'),
  };
}

/** A CRD with `spec.conversion.strategy: Webhook` pointed at the local server's `/convert` (or its service path). */
export function rewriteCrdConversion<T>(crd: T, serving: WebhookServing): T {
  if (!isRecord(crd) || !isRecord(crd['spec'])) return crd;
  const conversion = crd['spec']['conversion'];
  if (!isRecord(conversion) || conversion['strategy'] !== 'Webhook') return crd;
  const webhook = isRecord(conversion['webhook']) ? conversion['webhook'] : {};
  return {
    ...crd,
    spec: {
      ...crd['spec'],
      conversion: {
        ...conversion,
        webhook: {
          conversionReviewVersions: ['v1'],
          ...webhook,
          clientConfig: localClientConfig(webhook['clientConfig'], serving, '/convert'),
        },
      },
    },
  };
}

/** The Mutating/ValidatingWebhookConfigurations in a file or a folder's manifests; other kinds are skipped. */
export function readConfigurations(path: string): Json[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => manifestExtensions.has(extname(name)))
          .sort()
          .map((name) => join(path, name))
      : [path];
  } catch (error: unknown) {
    throw new Error(`envtest: cannot read webhook configurations from ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`envtest: invalid YAML in ${file}: ${doc.errors[0]?.message ?? ''}`);
      const value: unknown = doc.toJS();
      return isRecord(value) && (value['kind'] === mutatingKind || value['kind'] === validatingKind)
        ? [value]
        : [];
    }),
  );
}

function nameOf(configuration: Json): string {
  const metadata = configuration['metadata'];
  const name = isRecord(metadata) ? metadata['name'] : undefined;
  if (typeof name !== 'string' || name === '')
    throw new Error(`envtest: a ${String(configuration['kind'])} has no metadata.name`);
  return name;
}

/** The configuration with every webhook's clientConfig pointing at the local server. */
export function rewriteConfiguration(configuration: Json, serving: WebhookServing): Json {
  const webhooks = Array.isArray(configuration['webhooks']) ? (configuration['webhooks'] as unknown[]) : [];
  return {
    ...configuration,
    apiVersion: 'admissionregistration.k8s.io/v1',
    webhooks: webhooks.map((webhook) =>
      isRecord(webhook)
        ? { ...webhook, clientConfig: localClientConfig(webhook['clientConfig'], serving, '') }
        : webhook,
    ),
  };
}

async function apply(request: AdminRequest, configuration: Json): Promise<void> {
  const kind = configuration['kind'] as string;
  const collection = resources[kind] as string;
  const name = nameOf(configuration);
  const created = await request('POST', collection, configuration);
  if (created.status === 201) return;
  if (created.status !== 409)
    throw new Error(`envtest: create ${kind} ${name}: ${created.status} ${created.body}`);
  const existing = await request('GET', `${collection}/${name}`);
  if (existing.status !== 200)
    throw new Error(`envtest: get ${kind} ${name}: ${existing.status} ${existing.body}`);
  const { metadata } = JSON.parse(existing.body) as { metadata: { resourceVersion: string } };
  const replaced = await request('PUT', `${collection}/${name}`, {
    ...configuration,
    metadata: { ...(configuration['metadata'] as Json), resourceVersion: metadata.resourceVersion },
  });
  if (replaced.status !== 200)
    throw new Error(`envtest: replace ${kind} ${name}: ${replaced.status} ${replaced.body}`);
}

/**
 * Installs the webhook configurations of `options`, pointed at the local server, and waits until the API server
 * serves each (as controller-runtime's envtest `WaitForWebhooks`). The API server's admission chain loads them from
 * its own informer a moment later: a test that must not race that waits for a positive witness (a request the
 * webhook visibly changed or refused).
 */
export async function installWebhooks(
  request: AdminRequest,
  options: WebhookInstallOptions,
  serving: WebhookServing,
  timeoutMs: number,
): Promise<InstalledWebhookOptions> {
  const configurations = [
    ...(options.paths ?? []).flatMap((path) => readConfigurations(resolve(path))),
    ...(options.mutatingWebhooks ?? []).map((c) => ({ kind: mutatingKind, ...(c as Json) })),
    ...(options.validatingWebhooks ?? []).map((c) => ({ kind: validatingKind, ...(c as Json) })),
  ].map((c) => rewriteConfiguration(c, serving));
  await Promise.all(configurations.map((c) => apply(request, c)));
  await Promise.all(
    configurations.map((c) =>
      waitFor(
        async () => {
          const res = await request('GET', `${resources[c['kind'] as string] as string}/${nameOf(c)}`);
          return res.status === 200 ? true : undefined;
        },
        { description: `${String(c['kind'])} ${nameOf(c)} to be served`, timeoutMs, intervalMs: 50 },
      ),
    ),
  );
  const names = (kind: string): string[] => configurations.filter((c) => c['kind'] === kind).map(nameOf);
  return {
    localServingHost: serving.host,
    localServingPort: serving.port,
    localServingCertDir: serving.certDir,
    caBundle: serving.caBundle,
    mutatingWebhookConfigurations: names(mutatingKind),
    validatingWebhookConfigurations: names(validatingKind),
  };
}
