import type { V1ConfigMap, V1ReplicaSet } from '@kubernetes/client-node';

/** The ConfigMaps a ReplicaSet's pods mount. */
function mountedConfigMaps(rs: V1ReplicaSet): string[] {
  return (rs.spec?.template?.spec?.volumes ?? []).flatMap((v) =>
    v.configMap?.name ? [v.configMap.name] : [],
  );
}

/**
 * A ReplicaSet that has or may still get pods: desired or current replicas above zero. A ReplicaSet the Deployment
 * has scaled to zero but whose pods are still terminating is live, so its config stays until the last proxy using it
 * is gone.
 */
function isLive(rs: V1ReplicaSet): boolean {
  return (rs.spec?.replicas ?? 1) > 0 || (rs.status?.replicas ?? 0) > 0;
}

/**
 * The proxy ConfigMaps that can be deleted: every one but the newest that no live ReplicaSet of the proxy mounts
 * and that is not in `alsoInUse` (the Deployment's template: its new ReplicaSet may not be in the cache yet).
 * During a rollout both the old and the new config are mounted, so both stay; once the old ReplicaSet is down to
 * zero pods its config goes. A rollback (`kubectl rollout undo`) is not the way back to an old config: configs are
 * derived from live endpoints, and an old one lists addresses that may no longer exist.
 */
export function staleProxyConfigMaps(
  configMaps: readonly V1ConfigMap[],
  newest: V1ConfigMap | undefined,
  proxyReplicaSets: readonly V1ReplicaSet[],
  alsoInUse: readonly string[] = [],
): V1ConfigMap[] {
  const inUse = new Set([...proxyReplicaSets.filter(isLive).flatMap(mountedConfigMaps), ...alsoInUse]);
  const newestName = newest?.metadata?.name;
  return configMaps.filter((cm) => {
    const name = cm.metadata?.name;
    return (
      name !== undefined &&
      name !== newestName &&
      !inUse.has(name) &&
      cm.metadata?.deletionTimestamp === undefined
    );
  });
}
