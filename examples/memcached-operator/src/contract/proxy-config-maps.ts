import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import type { BackendStatus as StatusBackend } from '../api/v1beta1/index.js';
import { backendAddress, type ProxyConfig } from '../proxy/index.js';
import { Annotations } from './annotations.js';

// How the controllers read the proxy ConfigMaps the ProxyConfigController writes, and the Deployment the
// ProxyRolloutController writes: the hand-off between them, through the API.

/** The backends of a config as status and the ConfigMap annotation list them. */
export function statusBackends(config: ProxyConfig): StatusBackend[] {
  return config.backends.map((b) => ({ name: b.name, address: backendAddress(b) }));
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

/** The ConfigMap a proxy Deployment's pod template mounts, if any. */
export function configMapOfDeployment(deployment: V1Deployment | undefined): string | undefined {
  return deployment?.spec?.template.spec?.volumes?.find((v) => v.name === 'config')?.configMap?.name;
}
