import {
  Client,
  ConfigMap,
  Controller,
  Deployment,
  enqueueRequestForOwner,
  EventRecorder,
  watch,
  type ReconcileContext,
  type Reconciler,
  type Request,
} from '@spoke/manager';
import { MemcachedKind } from '../api/v1alpha1/memcached-kind.js';
import { isControlledBy } from '../resources/controller-reference.js';
import { newestConfigMap } from '../resources/desired-proxy-config-map.js';
import { configMapOfDeployment, desiredProxyDeployment } from '../resources/desired-proxy-deployment.js';
import { labelSelectorString, selectorLabels } from '../resources/labels.js';
import { proxyName } from '../resources/names.js';
import { applyIfChanged } from './apply-if-changed.js';

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
        labelSelector: labelSelectorString(selectorLabels(req.name, 'proxy-config')),
      })
    ).filter((cm) => isControlledBy(cm.metadata?.ownerReferences, memcached));
    const newest = newestConfigMap(configMaps)?.metadata?.name;
    // No config yet: a proxy without one cannot start. The ConfigMap's creation brings this request back.
    if (!newest) return;

    const name = proxyName(req.name);
    const existing = await this.client.get(Deployment, { namespace: req.namespace, name });
    if (existing && !isControlledBy(existing.metadata?.ownerReferences, memcached)) {
      this.recorder.event(
        memcached,
        'Warning',
        'NameInUse',
        `Deployment ${name} exists and is not owned by this Memcached`,
      );
      return;
    }
    const previous = configMapOfDeployment(existing);
    const desired = desiredProxyDeployment(memcached, newest);
    const result = await applyIfChanged(this.client, Deployment, desired, existing);
    if (result === 'unchanged') return;
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
