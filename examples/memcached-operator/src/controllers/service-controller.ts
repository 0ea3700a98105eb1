import {
  Client,
  Controller,
  EventRecorder,
  generationChanged,
  Service,
  type ReconcileContext,
  type Reconciler,
  type Request,
} from '@spoke/manager';
import { MemcachedKind } from '../api/v1alpha1/memcached-kind.js';
import { isControlledBy } from '../resources/controller-reference.js';
import { desiredProxyService, desiredServerService } from '../resources/desired-services.js';
import { applyIfChanged } from './apply-if-changed.js';

/**
 * The two Services of a Memcached: the headless `<name>` (pod DNS, and the EndpointSlices the proxy config is
 * rendered from) and `<name>-proxy`, the one clients use. Writes Services and nothing else.
 */
@Controller({
  name: 'memcached-services',
  for: MemcachedKind,
  predicates: [generationChanged()],
  owns: [Service],
  writes: Service,
})
export class ServiceController implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    const memcached = await this.client.get(MemcachedKind, req);
    if (!memcached || memcached.metadata?.deletionTimestamp) return;

    for (const desired of [desiredServerService(memcached), desiredProxyService(memcached)]) {
      const name = desired.metadata?.name ?? '';
      const existing = await this.client.get(Service, { namespace: req.namespace, name });
      if (existing && !isControlledBy(existing.metadata?.ownerReferences, memcached)) {
        this.recorder.event(
          memcached,
          'Warning',
          'NameInUse',
          `Service ${name} exists and is not owned by this Memcached`,
        );
        continue;
      }
      const result = await applyIfChanged(this.client, Service, desired, existing);
      if (result === 'unchanged') continue;
      ctx.log.info(`Service ${result}`, { service: name });
      this.recorder.event(
        memcached,
        'Normal',
        result === 'created' ? 'CreatedService' : 'UpdatedService',
        `Service ${name} ${result}`,
        { related: desired },
      );
    }
  }
}
