import { writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

/** How a kubeconfig's user authenticates: a client certificate or a bearer token. */
export type Credentials =
  | { readonly kind: 'certificate'; readonly cert: string; readonly key: string }
  | { readonly kind: 'token'; readonly token: string };

/** The API server a kubeconfig points at. */
export interface ApiServerEndpoint {
  readonly port: number;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A KubeConfig with one cluster, one user and one current context, all named `envtest` (or after the user). */
export function buildKubeConfig(
  endpoint: ApiServerEndpoint,
  userName: string,
  credentials: Credentials,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'envtest',
        server: `https://127.0.0.1:${endpoint.port}`,
        caData: base64(endpoint.caPem),
        skipTLSVerify: false,
      },
    ],
    users: [
      credentials.kind === 'certificate'
        ? { name: userName, certData: base64(credentials.cert), keyData: base64(credentials.key) }
        : { name: userName, token: credentials.token },
    ],
    contexts: [{ name: `envtest-${userName}`, cluster: 'envtest', user: userName, namespace: 'default' }],
    currentContext: `envtest-${userName}`,
  });
  return kubeConfig;
}

/** Writes a kubeconfig file for kubectl and the components (owner-only: it holds a private key). */
export function writeKubeConfig(path: string, kubeConfig: KubeConfig): void {
  writeFileSync(path, kubeConfig.exportConfig(), { mode: 0o600 });
}
