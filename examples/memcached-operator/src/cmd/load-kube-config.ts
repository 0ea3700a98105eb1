import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * The cluster to talk to, in controller-runtime's order: the `--kubeconfig` flag, `$KUBECONFIG`, the in-cluster
 * ServiceAccount when running in a pod, then `~/.kube/config`.
 */
export function loadKubeConfig(flag: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  const fromEnv = process.env['KUBECONFIG'];
  if (flag) kc.loadFromFile(flag);
  else if (fromEnv) kc.loadFromDefault();
  else if (
    process.env['KUBERNETES_SERVICE_HOST'] &&
    existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')
  )
    kc.loadFromCluster();
  else if (existsSync(join(homedir(), '.kube', 'config')))
    kc.loadFromFile(join(homedir(), '.kube', 'config'));
  else throw new Error('no cluster configured: pass --kubeconfig, set $KUBECONFIG, or run in a pod');
  return kc;
}
