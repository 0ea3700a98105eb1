import {
  Client,
  ConfigMap,
  Controller,
  Deployment,
  enqueueRequestForOwner,
  EventRecorder,
  isControlledBy,
  selectorStringFromSet,
  watch,
  type ReconcileContext,
  type Reconciler,
  type Request,
} from '@spoke/manager';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import { configMapOfDeployment, newestConfigMap } from '../../contract/proxy-config-maps.js';
import { desiredProxyDeployment } from './desired-proxy-deployment.js';
import { selectorLabels } from '../../contract/labels.js';
import { proxyName } from '../../contract/names.js';
import { applyOwned } from '../apply-owned.js';

/**
 * The proxy Deployment: points its pod template at the newest proxy ConfigMap of the Memcached (found through the
 * API: owner reference, labels, config-generation annotation), which rolls the proxy with no unavailability.
 * Writes Deployments and nothing else; it never renders a config, it only follows the ConfigMaps.
 */
@Controller({
  name: 'proxy-rollout',
  for: MemcachedKind,
  owns: [Deployment],
  // ConfigMaps are written by the ProxyConfigController; a new one is this controller's cue.
  watches: [
    watch({ kind: ConfigMap, handler: enqueueRequestForOwner(MemcachedKind, { onlyController: true }) }),
  ],
  writes: Deployment,
})
export class ProxyRolloutController implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    const memcached = await this.client.get(MemcachedKind, req);
    if (!memcached || memcached.metadata?.deletionTimestamp) return;

    const configMaps = (
      await this.client.list(ConfigMap, {
        namespace: req.namespace,
        labelSelector: selectorStringFromSet(selectorLabels(req.name, 'proxy-config')),
      })
    ).filter((cm) => isControlledBy(cm, memcached));
    const newest = newestConfigMap(configMaps)?.metadata?.name;
    // No config yet: a proxy without one cannot start. The ConfigMap's creation brings this request back.
    if (!newest) return;

    const name = proxyName(req.name);
    const desired = desiredProxyDeployment(memcached, newest);
    const { result, existing } = await applyOwned(this.client, this.recorder, memcached, Deployment, desired);
    if (result === 'unchanged' || result === 'not-owned') return;
    // What the pod template mounted before this apply, for the event.
    const previous = configMapOfDeployment(existing);
    ctx.log.info(`proxy Deployment ${result}`, {
      deployment: name,
      configMap: newest,
      previousConfigMap: previous,
    });
    const note =
      previous && previous !== newest
        ? `rolling ${name} from ConfigMap ${previous} to ${newest}`
        : `Deployment ${name} ${result} on ConfigMap ${newest}`;
    this.recorder.event(
      memcached,
      'Normal',
      previous && previous !== newest
        ? 'RollingOutProxy'
        : result === 'created'
          ? 'CreatedDeployment'
          : 'UpdatedDeployment',
      note,
      { related: desired },
    );
  }
}
