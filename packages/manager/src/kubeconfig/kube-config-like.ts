import type { KubeConfig as ClientNodeKubeConfig } from '@kubernetes/client-node';
import { KubeConfig } from './kube-config.js';

export type { ClientNodeKubeConfig };

/**
 * What Spoke accepts as a kubeconfig: its own {@link KubeConfig}, or a `@kubernetes/client-node` `KubeConfig` that a
 * caller already built (then its authentication — exec and auth-provider plugins included — is client-node's).
 */
export type KubeConfigLike = KubeConfig | ClientNodeKubeConfig;

/** Whether `kc` is Spoke's own model rather than client-node's. */
export function isSpokeKubeConfig(kc: KubeConfigLike): kc is KubeConfig {
  return kc instanceof KubeConfig;
}
