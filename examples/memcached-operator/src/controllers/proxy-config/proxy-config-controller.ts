import {
  Client,
  ConfigMap,
  Controller,
  Deployment,
  EndpointSlice,
  enqueueRequestsFromMapFunc,
  EventRecorder,
  isAlreadyExists,
  isControlledBy,
  isNotFound,
  ReplicaSet,
  selectorStringFromSet,
  watch,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from '@spoke/manager';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import { resolveSpec } from '../../api/v1beta1/memcached-spec.js';
import type { Memcached } from '../../api/v1beta1/memcached.js';
import { proxyConfigMapName, renderProxyConfig } from '../../proxy/render-proxy-config.js';
import { Annotations } from '../../contract/annotations.js';
import { backendsFromEndpointSlices } from './backends-from-endpoint-slices.js';
import { desiredProxyConfigMap } from './desired-proxy-config-map.js';
import {
  configGenerationOf,
  configMapOfDeployment,
  newestConfigMap,
} from '../../contract/proxy-config-maps.js';
import { selectorLabels } from '../../contract/labels.js';
import { proxyName, serverServiceName, statefulSetName } from '../../contract/names.js';
import { expectedPodNames, settleDecision } from './settle-decision.js';
import { staleProxyConfigMaps } from './stale-proxy-config-maps.js';
import { memcachedOfEndpointSlice, ServiceNameLabel } from './memcached-of-endpoint-slice.js';
import { memcachedOfProxyReplicaSet } from './memcached-of-proxy-replica-set.js';

/** How long a new config waits for servers that should exist but are not ready yet (see settleDecision). */
export const SettleMs = 10_000;
/** How soon to look again when the cache has not yet shown a ConfigMap we wrote. */
const CacheCatchUpMs = 1_000;

/**
 * The proxy configs: renders the config from the ready endpoints of the servers' headless Service and, when it
 * differs from the newest one, writes it as a new immutable ConfigMap `<name>-proxy-<hash>` with the next config
 * generation. Deletes old ConfigMaps once no live proxy ReplicaSet mounts them. Writes ConfigMaps and nothing else;
 * the ProxyRolloutController finds the newest one through the API and rolls the proxy to it.
 */
@Controller({
  name: 'proxy-config',
  for: MemcachedKind,
  owns: [ConfigMap],
  watches: [
    watch({ kind: EndpointSlice, handler: enqueueRequestsFromMapFunc(memcachedOfEndpointSlice) }),
    watch({ kind: ReplicaSet, handler: enqueueRequestsFromMapFunc(memcachedOfProxyReplicaSet) }),
  ],
  writes: ConfigMap,
  maxConcurrentReconciles: 2,
})
export class ProxyConfigController implements Reconciler {
  /**
   * Since when each Memcached (by namespace/name, with its uid) has waited for starting servers; dropped when it is
   * deleted. Lost on restart, which only shortens a wait.
   */
  private readonly pendingSince = new Map<string, { readonly uid: string; readonly since: number }>();

  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<Result> {
    const memcached = await this.client.get(MemcachedKind, req);
    const key = `${req.namespace}/${req.name}`;
    if (!memcached || memcached.metadata?.deletionTimestamp) {
      this.pendingSince.delete(key);
      return {};
    }
    const uid = memcached.metadata?.uid ?? '';
    // A wait of an earlier Memcached of the same name is not this one's.
    const pending = this.pendingSince.get(key);
    const pendingSince = pending?.uid === uid ? pending.since : undefined;
    const namespace = req.namespace;

    const configMaps = (
      await this.client.list(ConfigMap, {
        namespace,
        labelSelector: selectorStringFromSet(selectorLabels(req.name, 'proxy-config')),
      })
    ).filter((cm) => isControlledBy(cm, memcached));
    let newest = newestConfigMap(configMaps);

    const spec = resolveSpec(memcached.spec);
    const slices = await this.client.list(EndpointSlice, {
      namespace,
      labelSelector: `${ServiceNameLabel}=${serverServiceName(req.name)}`,
    });
    const observed = backendsFromEndpointSlices(slices);
    const config = renderProxyConfig({
      engine: spec.proxy.engine,
      topology: spec.topology,
      backends: observed.ready,
    });
    const wanted = proxyConfigMapName(req.name, config.hash);

    if (newest?.metadata?.name !== wanted) {
      const decision = settleDecision({
        expectedNames: expectedPodNames(statefulSetName(req.name), spec.replicas),
        observed,
        pendingSince,
        now: Date.now(),
        settleMs: SettleMs,
        hasPublished: newest !== undefined,
      });
      if (!decision.publish) {
        if (pendingSince === undefined) this.pendingSince.set(key, { uid, since: Date.now() });
        ctx.log.debug('waiting for servers to become ready before writing a config', {
          notReady: observed.notReady.map((b) => b.name),
        });
        return { requeueAfter: decision.retryAfterMs };
      }
      this.pendingSince.delete(key);
      newest = await this.publish(memcached, configMaps, config, wanted, ctx);
      // The informer's event for our own write re-enqueues this Memcached; this requeue only bounds the wait.
      if (!newest) return { requeueAfter: CacheCatchUpMs };
    } else {
      this.pendingSince.delete(key);
    }

    await this.deleteStale(memcached, configMaps, newest, ctx);
    return {};
  }

  /**
   * Makes `wanted` the newest config: a new ConfigMap, or (when the endpoints went back to an earlier set) the earlier
   * one promoted. Undefined when the ConfigMap exists already but the cache is behind.
   */
  private async publish(
    memcached: Memcached,
    configMaps: readonly V1ConfigMap[],
    config: ReturnType<typeof renderProxyConfig>,
    wanted: string,
    ctx: ReconcileContext,
  ): Promise<V1ConfigMap | undefined> {
    const generation = Math.max(0, ...configMaps.map(configGenerationOf)) + 1;
    const namespace = memcached.metadata?.namespace ?? '';
    const servers = config.backends.map((b) => b.name).join(', ') || 'none';
    const earlier = configMaps.find((cm) => cm.metadata?.name === wanted);
    let written: V1ConfigMap;
    if (earlier) {
      // Its data is immutable, not its metadata: a new generation makes it the newest again, with no new name.
      written = await this.client.patch(
        ConfigMap,
        { namespace, name: wanted },
        {
          type: 'merge',
          body: { metadata: { annotations: { [Annotations.configGeneration]: String(generation) } } },
        },
      );
    } else {
      try {
        written = await this.client.create(ConfigMap, desiredProxyConfigMap(memcached, config, generation));
      } catch (err) {
        // The name is the content's hash: a ConfigMap of that name holds this very config. It exists but the cache
        // has not shown it yet (we wrote it a moment ago), so this is not a failure: wait for the cache to catch up.
        if (!isAlreadyExists(err)) throw err;
        ctx.log.debug('proxy config exists but is not in the cache yet', { configMap: wanted });
        return undefined;
      }
    }
    ctx.log.info('proxy config written', { configMap: wanted, generation, servers });
    this.recorder.event(
      memcached,
      'Normal',
      'ProxyConfigWritten',
      `ConfigMap ${wanted} (generation ${generation}) lists ${config.backends.length} server(s): ${servers}`,
      {
        related: written,
      },
    );
    return written;
  }

  private async deleteStale(
    memcached: Memcached,
    configMaps: readonly V1ConfigMap[],
    newest: V1ConfigMap | undefined,
    ctx: ReconcileContext,
  ): Promise<void> {
    const namespace = memcached.metadata?.namespace ?? '';
    const name = memcached.metadata?.name ?? '';
    const replicaSets = await this.client.list(ReplicaSet, {
      namespace,
      labelSelector: selectorStringFromSet(selectorLabels(name, 'proxy')),
    });
    const deployment = await this.client.get(Deployment, { namespace, name: proxyName(name) });
    const template = configMapOfDeployment(deployment);
    for (const stale of staleProxyConfigMaps(configMaps, newest, replicaSets, template ? [template] : [])) {
      const staleName = stale.metadata?.name ?? '';
      try {
        await this.client.delete(
          ConfigMap,
          { namespace, name: staleName },
          stale.metadata?.uid ? { preconditions: { uid: stale.metadata.uid } } : {},
        );
        ctx.log.info('old proxy config deleted', { configMap: staleName });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
