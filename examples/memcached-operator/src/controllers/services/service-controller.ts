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
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import { desiredProxyService, desiredServerService } from './desired-services.js';
import { applyOwned } from '../apply-owned.js';

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
      const { result } = await applyOwned(this.client, this.recorder, memcached, Service, desired);
      if (result === 'unchanged' || result === 'not-owned') continue;
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
