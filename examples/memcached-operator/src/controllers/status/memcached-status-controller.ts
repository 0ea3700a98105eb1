import {
  Client,
  ConfigMap,
  Controller,
  Deployment,
  enqueueRequestForOwner,
  isControlledBy,
  selectorStringFromSet,
  StatefulSet,
  watch,
  type Reconciler,
  type Request,
} from '@spoke/manager';
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import { desiredMemcachedStatus } from './desired-memcached-status.js';
import { newestConfigMap } from '../../contract/proxy-config-maps.js';
import { selectorLabels } from '../../contract/labels.js';
import { proxyName, statefulSetName } from '../../contract/names.js';

const toOwner = enqueueRequestForOwner(MemcachedKind, { onlyController: true });

/**
 * The Memcached's status, computed from the objects the other controllers wrote (StatefulSet, newest ConfigMap,
 * proxy Deployment). Writes only the Memcached's status subresource, and only when the computed status differs.
 */
@Controller({
  name: 'memcached-status',
  for: MemcachedKind,
  // Watched, not owned: this controller creates none of them, it only reports on them.
  watches: [
    watch({ kind: StatefulSet, handler: toOwner }),
    watch({ kind: Deployment, handler: toOwner }),
    watch({ kind: ConfigMap, handler: toOwner }),
  ],
  // The one writer of Memcached status: no other controller may report on a Memcached.
  writes: { kind: MemcachedKind, subresource: 'status' },
})
export class MemcachedStatusController implements Reconciler {
  constructor(private readonly client: Client) {}

  async reconcile(req: Request): Promise<void> {
    const memcached = await this.client.get(MemcachedKind, req);
    if (!memcached || memcached.metadata?.deletionTimestamp) return;
    const owned = <T extends KubernetesObject>(obj: T | undefined): T | undefined =>
      obj && isControlledBy(obj, memcached) ? obj : undefined;

    const statefulSet = owned(
      await this.client.get(StatefulSet, { namespace: req.namespace, name: statefulSetName(req.name) }),
    );
    const deployment = owned(
      await this.client.get(Deployment, { namespace: req.namespace, name: proxyName(req.name) }),
    );
    const configMaps = await this.client.list(ConfigMap, {
      namespace: req.namespace,
      labelSelector: selectorStringFromSet(selectorLabels(req.name, 'proxy-config')),
    });
    const configMap = newestConfigMap(configMaps.filter((cm) => owned(cm)));

    const status = desiredMemcachedStatus({
      memcached,
      statefulSet,
      deployment,
      configMap,
      now: new Date().toISOString(),
    });
    if (isDeepStrictEqual(status, memcached.status)) return;
    // A merge patch of the whole status: no resourceVersion, so a status computed from a slightly older cache is
    // not a conflict; the next event recomputes it anyway.
    await this.client.status.patch(MemcachedKind, req, { type: 'merge', body: { status } });
  }
}
