export {
  KubeConfig,
  parseKubeConfig,
  type Cluster,
  type Context,
  type ExecConfig,
  type KubeConfigOptions,
  type User,
} from './kube-config.js';
export { inClusterKubeConfig, serviceAccountDir } from './in-cluster.js';
export { isSpokeKubeConfig, type ClientNodeKubeConfig, type KubeConfigLike } from './kube-config-like.js';
export { KubeConfigError, loadKubeConfig, type LoadKubeConfigOptions } from './load-kube-config.js';
