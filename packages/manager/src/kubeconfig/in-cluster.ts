import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from './kube-config.js';

/** Where a pod's ServiceAccount credentials are mounted (client-go's `rest.InClusterConfig` reads the same files). */
export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The in-cluster config, as client-go's `rest.InClusterConfig`: the API server at `$KUBERNETES_SERVICE_HOST:PORT`,
 * the mounted CA, and the mounted token as a `tokenFile`, so a rotated (projected) token is picked up.
 * Throws when not running in a pod.
 */
export function inClusterKubeConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  dir: string = serviceAccountDir,
): KubeConfig {
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '';
  if (host === '' || port === '')
    throw new Error('not in a cluster: $KUBERNETES_SERVICE_HOST and $KUBERNETES_SERVICE_PORT must be set');
  const tokenFile = `${dir}/token`;
  if (!existsSync(tokenFile)) throw new Error(`not in a cluster: no ServiceAccount token at ${tokenFile}`);
  let namespace: string | undefined;
  try {
    namespace = readFileSync(`${dir}/namespace`, 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return KubeConfig.fromOptions({
    clusters: [{ name: 'inCluster', server, caFile: `${dir}/ca.crt`, skipTLSVerify: false }],
    users: [{ name: 'inClusterUser', tokenFile }],
    contexts: [
      {
        name: 'inClusterContext',
        cluster: 'inCluster',
        user: 'inClusterUser',
        ...(namespace === undefined ? {} : { namespace }),
      },
    ],
    currentContext: 'inClusterContext',
  });
}
