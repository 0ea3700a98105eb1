import {
  Client,
  ConfigMap,
  Controller,
  EventRecorder,
  Secret,
  TerminalError,
  createOrUpdate,
  labelSelector,
  setControllerReference,
  type ReconcileContext,
  type Reconciler,
  type Request,
} from '@spoke/manager';
import type { V1Secret } from '@kubernetes/client-node';

@Controller({
  name: 'secret-mirror', // metrics label, log field, queue name
  for: ConfigMap, // what it reconciles: one request per ConfigMap
  predicates: [labelSelector({ matchLabels: { 'spoke.dev/mirror': 'true' } })],
  owns: [Secret], // a change to a Secret it owns reconciles the owner
  writes: Secret, // the one kind its client may write
})
export class SecretMirrorController implements Reconciler {
  // Injected: a Client that may only write Secrets, and a recorder named after this controller.
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    // Observe: reads come from the shared cache, never from the API server; the object is shared and frozen
    // (structuredClone it to change it).
    const cm = await this.client.get(ConfigMap, req);
    if (!cm) return; // deleted: the garbage collector deletes the Secret it owned
    if (cm.binaryData) throw new TerminalError('binaryData is not supported'); // logged, counted, not retried

    // Diff and act: createOrUpdate reads the Secret (from the cache), applies the mutation, and writes only if
    // something changed. A 409 Conflict (stale cache) throws, and the request is retried with backoff.
    // ctx.signal goes with every request: a lost lease or reconcileTimeoutMs aborts the write in flight.
    const secret: V1Secret = { metadata: { namespace: req.namespace, name: req.name } };
    const mirror = (s: V1Secret) => {
      s.data = Object.fromEntries(
        Object.entries(cm.data ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      );
      setControllerReference(cm, ConfigMap, s);
    };
    const result = await createOrUpdate(this.client, Secret, secret, mirror, { signal: ctx.signal });
    if (result !== 'unchanged') {
      this.recorder.event(cm, 'Normal', 'Mirrored', `${result} Secret ${req.name}`);
      ctx.log.info('mirrored', { result });
    }
  }
}
