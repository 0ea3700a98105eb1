import { KubeConfig } from '@kubernetes/client-node';

/** A copy of `kubeConfig` whose current cluster is reached at `https://127.0.0.1:<port>` (a relay in front of it). */
export function kubeConfigVia(kubeConfig: KubeConfig, port: number): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromString(kubeConfig.exportConfig());
  const current = copy.getCurrentCluster();
  copy.clusters = copy.clusters.map((c) =>
    c.name === current?.name ? { ...c, server: `https://127.0.0.1:${port}` } : c,
  );
  return copy;
}
