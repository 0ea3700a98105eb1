import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlOk } from './run-command.js';

/**
 * cert-manager's two kinds config/certmanager uses, with open schemas: enough for `kubectl apply -k config/default`
 * to store the Issuer and the Certificate. cert-manager itself is not installable here (no registry for its images,
 * no network beyond package registries); {@link standInForCertManager} does what its controllers would.
 */
const certManagerCrds = ['Certificate', 'Issuer'].map((kind) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.cert-manager.io` },
  spec: {
    group: 'cert-manager.io',
    names: { kind, listKind: `${kind}List`, plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase() },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
}));

export async function installCertManagerCrds(kubeconfig: string): Promise<void> {
  await kubectlOk(kubeconfig, ['apply', '--server-side', '-f', '-'], {
    input: certManagerCrds.map((crd) => JSON.stringify(crd)).join('\n'),
  });
  await kubectlOk(kubeconfig, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/certificates.cert-manager.io',
    'crd/issuers.cert-manager.io',
  ]);
}

/** What {@link standInForCertManager} issued. */
export interface IssuedCertificate {
  /** The Secret's files, as its volume mounts them in the manager's pod (`tls.crt`, `tls.key`, `ca.crt`). */
  readonly certDir: string;
  readonly dnsNames: readonly string[];
  readonly secretName: string;
}

interface Annotated {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  webhooks?: unknown[];
}

/**
 * Does what cert-manager would for the Certificate `<namespace>/<name>`: its controller issues a certificate for
 * the Certificate's dnsNames (signed by a throw-away CA, standing in for the self-signed Issuer) into its
 * `secretName`; its CA injector puts that CA in the caBundle of every webhook configuration and CRD annotated
 * `cert-manager.io/inject-ca-from: <namespace>/<name>`. The certificate also names 127.0.0.1: the test routes the
 * webhook Service to loopback ({@link routeServiceToLoopback}), as pod networking is simulated here.
 */
export async function standInForCertManager(
  kubeconfig: string,
  namespace: string,
  name: string,
  scratch: string,
): Promise<IssuedCertificate> {
  const certificate = JSON.parse(
    await kubectlOk(kubeconfig, ['get', 'certificates.cert-manager.io', name, '-n', namespace, '-o', 'json']),
  ) as { spec: { dnsNames: string[]; secretName: string } };
  const { dnsNames, secretName } = certificate.spec;
  const dir = join(scratch, 'cert-manager');
  const certDir = join(scratch, 'webhook-serving-certs');
  mkdirSync(dir, { recursive: true });
  mkdirSync(certDir, { recursive: true });
  const openssl = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  writeFileSync(join(dir, 'openssl.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=stand-in selfsigned-issuer',
    '-config',
    'openssl.cnf',
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'tls.key',
    '-out',
    'tls.csr',
    '-subj',
    `/CN=${dnsNames[0] ?? 'webhook'}`,
    '-config',
    'openssl.cnf',
  ]);
  writeFileSync(
    join(dir, 'ext.cnf'),
    `subjectAltName=${[...dnsNames.map((d) => `DNS:${d}`), 'IP:127.0.0.1'].join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  openssl([
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tls.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  ]);
  const files = Object.fromEntries(
    ['tls.crt', 'tls.key', 'ca.crt'].map((file) => [file, readFileSync(join(dir, file), 'utf8')]),
  );
  for (const [file, content] of Object.entries(files)) writeFileSync(join(certDir, file), content);
  await kubectlOk(kubeconfig, ['apply', '--server-side', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: secretName, namespace, annotations: { 'cert-manager.io/certificate-name': name } },
      data: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    }),
  });

  // The CA injector: every object that asks for this Certificate's CA gets it.
  const caBundle = Buffer.from(files['ca.crt'] ?? '').toString('base64');
  const wanted = `${namespace}/${name}`;
  for (const resource of [
    'mutatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    'customresourcedefinitions',
  ]) {
    const list = JSON.parse(await kubectlOk(kubeconfig, ['get', resource, '-o', 'json'])) as {
      items: Annotated[];
    };
    for (const item of list.items) {
      if (item.metadata.annotations?.['cert-manager.io/inject-ca-from'] !== wanted) continue;
      const patch =
        resource === 'customresourcedefinitions'
          ? [{ op: 'add', path: '/spec/conversion/webhook/clientConfig/caBundle', value: caBundle }]
          : (item.webhooks ?? []).map((_, i) => ({
              op: 'add',
              path: `/webhooks/${i}/clientConfig/caBundle`,
              value: caBundle,
            }));
      await kubectlOk(kubeconfig, [
        'patch',
        resource,
        item.metadata.name,
        '--type=json',
        '-p',
        JSON.stringify(patch),
      ]);
    }
  }
  return { certDir, dnsNames, secretName };
}

interface ClientConfig {
  service?: { name: string; namespace: string; path?: string; port?: number };
  url?: string;
  caBundle?: string;
}

/**
 * Stands in for the pod network: the webhook configurations and CRD conversions that call `<namespace>/<name>` are
 * pointed at `https://127.0.0.1:<port>` with the same path and caBundle, where the manager runs locally. Returns how
 * many webhooks it re-pointed. (Pod IPs from kwok are not real, and the Service has no route from the API server.)
 */
export async function routeServiceToLoopback(
  kubeconfig: string,
  service: { namespace: string; name: string },
  port: number,
): Promise<number> {
  const calls = (config: ClientConfig | undefined): config is ClientConfig =>
    config?.service?.name === service.name && config.service.namespace === service.namespace;
  const url = (config: ClientConfig): ClientConfig => ({
    url: `https://127.0.0.1:${port}${config.service?.path ?? '/'}`,
    ...(config.caBundle === undefined ? {} : { caBundle: config.caBundle }),
  });
  let routed = 0;
  for (const resource of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
    const list = JSON.parse(await kubectlOk(kubeconfig, ['get', resource, '-o', 'json'])) as {
      items: { metadata: { name: string }; webhooks?: { clientConfig?: ClientConfig }[] }[];
    };
    for (const item of list.items) {
      const patch = (item.webhooks ?? []).flatMap((webhook, i) =>
        calls(webhook.clientConfig)
          ? [{ op: 'replace', path: `/webhooks/${i}/clientConfig`, value: url(webhook.clientConfig) }]
          : [],
      );
      if (patch.length === 0) continue;
      routed += patch.length;
      await kubectlOk(kubeconfig, [
        'patch',
        resource,
        item.metadata.name,
        '--type=json',
        '-p',
        JSON.stringify(patch),
      ]);
    }
  }
  const crds = JSON.parse(await kubectlOk(kubeconfig, ['get', 'crds', '-o', 'json'])) as {
    items: {
      metadata: { name: string };
      spec: { conversion?: { webhook?: { clientConfig?: ClientConfig } } };
    }[];
  };
  for (const crd of crds.items) {
    const config = crd.spec.conversion?.webhook?.clientConfig;
    if (!calls(config)) continue;
    routed += 1;
    await kubectlOk(kubeconfig, [
      'patch',
      'crd',
      crd.metadata.name,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/spec/conversion/webhook/clientConfig', value: url(config) }]),
    ]);
  }
  return routed;
}
