import type { V1ConfigMap, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { setStatusCondition, type Condition } from '@spoke/manager/conditions';
import { selectorStringFromSet } from '@spoke/manager/labels';
import type { Memcached } from '../../api/v1beta1/memcached.js';
import { resolveSpec } from '../../api/v1beta1/memcached-spec.js';
import { ConditionTypes, type MemcachedStatus } from '../../api/v1beta1/index.js';
import { backendsOf, configMapOfDeployment } from '../../contract/proxy-config-maps.js';
import { selectorLabels } from '../../contract/labels.js';

/** What the status is computed from: the owned objects as the cache holds them. */
export interface ObservedState {
  readonly memcached: Memcached;
  readonly statefulSet: V1StatefulSet | undefined;
  readonly deployment: V1Deployment | undefined;
  /** The newest proxy ConfigMap (highest generation). */
  readonly configMap: V1ConfigMap | undefined;
  /** RFC 3339, for conditions that change. */
  readonly now: string;
}

/**
 * The Memcached's status from what the other controllers produced. Pure, and equal for equal inputs (conditions
 * keep their transition time), so the status controller writes only when something changed.
 */
export function desiredMemcachedStatus(observed: ObservedState): MemcachedStatus {
  const { memcached, statefulSet, deployment, configMap, now } = observed;
  const spec = resolveSpec(memcached.spec);
  const name = memcached.metadata?.name ?? '';
  const servers = {
    desired: spec.replicas,
    current: statefulSet?.status?.replicas ?? 0,
    ready: statefulSet?.status?.readyReplicas ?? 0,
  };
  const proxy = {
    desired: spec.proxy.replicas,
    replicas: deployment?.status?.replicas ?? 0,
    updated: deployment?.status?.updatedReplicas ?? 0,
    ready: deployment?.status?.readyReplicas ?? 0,
    unavailable: deployment?.status?.unavailableReplicas ?? 0,
  };
  const backends = backendsOf(configMap);
  const configMapName = configMap?.metadata?.name;

  const serversSettled =
    (statefulSet?.status?.observedGeneration ?? 0) >= (statefulSet?.metadata?.generation ?? 1) &&
    servers.current === servers.desired &&
    servers.ready === servers.desired;
  const configCurrent = configMapName !== undefined && backends.length === servers.desired;
  const proxyRolledOut =
    deployment !== undefined &&
    configMapOfDeployment(deployment) === configMapName &&
    (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1) &&
    proxy.updated === proxy.desired &&
    proxy.replicas === proxy.desired &&
    proxy.ready === proxy.desired;

  const generation = memcached.metadata?.generation;
  // metav1's SetStatusCondition, on a copy: the cached object is never mutated.
  const conditions: Condition[] = structuredClone(memcached.status?.conditions ?? []);
  const set = (update: Omit<Condition, 'lastTransitionTime'>): void => {
    setStatusCondition(conditions, { ...update, lastTransitionTime: now });
  };
  set(
    availability(
      {
        proxyReady: proxy.ready,
        configMapName,
        serversReady: servers.ready,
        serversDesired: servers.desired,
      },
      generation,
    ),
  );
  const progress = !serversSettled
    ? { reason: 'ScalingServers', message: `${servers.ready}/${servers.desired} servers ready` }
    : !configCurrent
      ? {
          reason: 'WritingConfig',
          message: `the proxy config lists ${backends.length} of ${servers.desired} servers`,
        }
      : !proxyRolledOut
        ? {
            reason: 'RollingOutProxy',
            message: `${proxy.updated}/${proxy.desired} proxy pods on ${configMapName}`,
          }
        : undefined;
  set(
    progress
      ? { type: ConditionTypes.Progressing, status: 'True', ...progress, observedGeneration: generation }
      : {
          type: ConditionTypes.Progressing,
          status: 'False',
          reason: 'Converged',
          message: 'servers, config and proxy match the spec',
          observedGeneration: generation,
        },
  );
  const notReady = [
    ...(servers.current > servers.ready ? [`${servers.current - servers.ready} server pod(s)`] : []),
    ...(proxy.unavailable > 0 ? [`${proxy.unavailable} proxy pod(s)`] : []),
  ];
  set(
    notReady.length > 0
      ? {
          type: ConditionTypes.Degraded,
          status: 'True',
          reason: 'PodsNotReady',
          message: `${notReady.join(' and ')} not ready`,
          observedGeneration: generation,
        }
      : {
          type: ConditionTypes.Degraded,
          status: 'False',
          reason: 'AllReady',
          message: 'every server and proxy pod is ready',
          observedGeneration: generation,
        },
  );

  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    replicas: servers.current,
    readyReplicas: servers.ready,
    selector: selectorStringFromSet(selectorLabels(name, 'server')),
    backends,
    ...(configMapName ? { configMap: configMapName } : {}),
    proxy: { replicas: proxy.replicas, updatedReplicas: proxy.updated, readyReplicas: proxy.ready },
    conditions,
  };
}

/**
 * Available: clients reach at least one server through a ready proxy. Some servers not ready is Degraded, not
 * unavailable (a sharded pool misses their keys only); no server ready is unavailable, whatever the proxy says.
 */
function availability(
  state: {
    proxyReady: number;
    configMapName: string | undefined;
    serversReady: number;
    serversDesired: number;
  },
  observedGeneration: number | undefined,
): {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration: number | undefined;
} {
  const unavailable = (reason: string, message: string) =>
    ({ type: ConditionTypes.Available, status: 'False', reason, message, observedGeneration }) as const;
  if (state.configMapName === undefined)
    return unavailable('NoConfig', 'no proxy config has been written yet');
  if (state.proxyReady === 0) return unavailable('NoProxyReady', 'no proxy pod is ready');
  if (state.serversDesired === 0)
    return unavailable('ScaledToZero', 'spec.replicas is 0: there is no server to serve');
  if (state.serversReady === 0) {
    return unavailable('NoServerReady', `none of the ${state.serversDesired} servers is ready`);
  }
  return {
    type: ConditionTypes.Available,
    status: 'True',
    reason: 'ProxyReady',
    message: `${state.proxyReady} proxy pod(s) serving ${state.serversReady}/${state.serversDesired} ready server(s)`,
    observedGeneration,
  };
}
