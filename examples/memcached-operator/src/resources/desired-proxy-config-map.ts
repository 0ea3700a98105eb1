import type { V1ConfigMap } from '@kubernetes/client-node';
import type { BackendStatus as StatusBackend, Memcached } from '../api/v1alpha1/index.js';
import { backendAddress, proxyConfigMapName, type ProxyConfig } from '../proxy/index.js';
import { Annotations } from './annotations.js';
import { controllerReference } from './controller-reference.js';
import { objectLabels } from './labels.js';

/** The backends of a config as status and the ConfigMap annotation list them. */
export function statusBackends(config: ProxyConfig): StatusBackend[] {
  return config.backends.map((b) => ({ name: b.name, address: backendAddress(b) }));
}

/**
 * One rendered proxy config as an immutable ConfigMap named by its content hash. Immutable, so that the kubelet
 * stops watching it and no one edits a config a running proxy was started with: a change is a new ConfigMap and a
 * rollout, which is observable and reversible.
 */
export function desiredProxyConfigMap(
  memcached: Memcached,
  config: ProxyConfig,
  generation: number,
): V1ConfigMap {
  const name = memcached.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: proxyConfigMapName(name, config.hash),
      namespace: memcached.metadata?.namespace,
      labels: objectLabels(name, 'proxy-config'),
      annotations: {
        [Annotations.configGeneration]: String(generation),
        [Annotations.backends]: JSON.stringify(statusBackends(config)),
      },
      ownerReferences: [controllerReference(memcached)],
    },
    immutable: true,
    data: { ...config.data },
  };
}

/** The generation annotation of a proxy ConfigMap; 0 when absent or malformed (never the newest then). */
export function configGenerationOf(configMap: V1ConfigMap): number {
  const value = Number(configMap.metadata?.annotations?.[Annotations.configGeneration]);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** The current config among a Memcached's proxy ConfigMaps: the highest generation (then the newest name, to be total). */
export function newestConfigMap(configMaps: readonly V1ConfigMap[]): V1ConfigMap | undefined {
  let newest: V1ConfigMap | undefined;
  for (const cm of configMaps) {
    if (!newest) newest = cm;
    else {
      const [g, n] = [configGenerationOf(cm), configGenerationOf(newest)];
      if (g > n || (g === n && (cm.metadata?.name ?? '') > (newest.metadata?.name ?? ''))) newest = cm;
    }
  }
  return newest;
}

function isStatusBackend(value: unknown): value is StatusBackend {
  if (value === null || typeof value !== 'object') return false;
  const { name, address } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof address === 'string';
}

/** The backends recorded on a proxy ConfigMap, or [] if the annotation is missing or unreadable. */
export function backendsOf(configMap: V1ConfigMap | undefined): StatusBackend[] {
  try {
    const parsed: unknown = JSON.parse(configMap?.metadata?.annotations?.[Annotations.backends] ?? '[]');
    return Array.isArray(parsed) ? (parsed as unknown[]).filter(isStatusBackend) : [];
  } catch {
    return [];
  }
}
