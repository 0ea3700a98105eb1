import {
  Client,
  Controller,
  EventRecorder,
  generationChanged,
  StatefulSet,
  type ReconcileContext,
  type Reconciler,
  type Request,
} from '@spoke/manager';
import { MemcachedKind } from '../../api/v1beta1/memcached-kind.js';
import { desiredStatefulSet } from './desired-stateful-set.js';
import { applyOwned } from '../apply-owned.js';

/**
 * The memcached servers: one StatefulSet per Memcached, so that each server keeps its pod name (its place on the
 * hash ring) when recreated. Writes StatefulSets and nothing else.
 */
@Controller({
  name: 'memcached',
  for: MemcachedKind,
  // Status writes bump resourceVersion, not generation: they never change the StatefulSet.
  predicates: [generationChanged()],
  owns: [StatefulSet],
  writes: StatefulSet,
})
export class MemcachedController implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    const memcached = await this.client.get(MemcachedKind, req);
    // Gone or going: the garbage collector removes the StatefulSet through its owner reference.
    if (!memcached || memcached.metadata?.deletionTimestamp) return;

    const desired = desiredStatefulSet(memcached);
    const { result } = await applyOwned(this.client, this.recorder, memcached, StatefulSet, desired);
    if (result === 'unchanged' || result === 'not-owned') return;
    ctx.log.info(`StatefulSet ${result}`, { statefulSet: req.name, replicas: desired.spec?.replicas });
    this.recorder.event(
      memcached,
      'Normal',
      result === 'created' ? 'CreatedStatefulSet' : 'UpdatedStatefulSet',
      `StatefulSet ${req.name} ${result}: ${desired.spec?.replicas ?? 0} servers`,
      { related: desired },
    );
  }
}
