/** Annotations the controllers hand off through: each is written by one controller and read by others. */
export const Annotations = {
  /**
   * On a proxy ConfigMap: its place in the sequence of configs of one Memcached (1, 2, ...). The highest is the
   * current one; ProxyRolloutController points the Deployment at it. A name hash has no order, so this provides it.
   */
  configGeneration: 'cache.spoke.dev/config-generation',
  /** On a proxy ConfigMap: the servers it lists, as JSON `[{name, address}]`, for the status controller. */
  backends: 'cache.spoke.dev/backends',
  /** On the proxy pod template: the ConfigMap it mounts (also visible in the volume; here for `kubectl describe`). */
  configMap: 'cache.spoke.dev/config-map',
} as const;
