import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  V1MicroTime,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { Client } from '../../../src/client/client.js';
import { EventRecorder } from '../../../src/recorder/index.js';
import { Controller } from '../../../src/controller/index.js';
import { ConfigMap, Event } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import {
  CacheSyncTimeoutError,
  LeaderElectionLostError,
  Manager,
  type ManagerOptions,
} from '../../../src/manager/index.js';
import type { ReconcileContext, Reconciler, Request } from '../../../src/reconcile/index.js';
import { createNamespace, eventually, testLogger } from '../../support/control-layer-support.js';
import { HoldingRelay } from '../../support/holding-relay.js';

const Widget = defineKind<KubernetesObject>({
  group: 'control.spoke.dev',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
});

const widgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.control.spoke.dev
spec:
  group: control.spoke.dev
  names: { kind: Widget, listKind: WidgetList, plural: widgets, singular: widget }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

/** One manager's view of its reconciles, shared with the test through the container. */
class Journal {
  readonly runs: { by: string; name: string; start: number; end: number; aborted: boolean }[] = [];
  readonly signals: AbortSignal[] = [];
  holdMs = 0;
  /** Wait for the signal instead of `holdMs`. */
  waitForAbort = false;
  writeAfterAbort: Promise<unknown> | undefined;
  /** Once this resolves, write (passing the reconcile's signal) and record the outcome in `gatedWrite`. */
  writeGate: Promise<void> | undefined;
  gatedWrite: Promise<unknown> | undefined;
  constructor(
    readonly by: string,
    readonly timeline: { by: string; start: number; end: number }[] = [],
  ) {}
}

/** Once the journal's gate opens, patches the object, passing the reconcile's signal; records the outcome. */
async function gatedWrite(j: Journal, client: Client, req: Request, ctx: ReconcileContext): Promise<void> {
  await j.writeGate;
  j.gatedWrite = client
    .patch(
      ConfigMap,
      { namespace: req.namespace ?? '', name: req.name },
      { type: 'merge', body: { data: { late: 'write' } } },
      { signal: ctx.signal },
    )
    .then(
      () => 'written',
      (err: unknown) => err,
    );
  await j.gatedWrite;
}

@Controller({ name: 'timed', for: ConfigMap, writes: ConfigMap, reconcileTimeoutMs: 1500 })
class TimedWriter implements Reconciler {
  constructor(
    private readonly journal: Journal,
    private readonly client: Client,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    this.journal.signals.push(ctx.signal);
    await gatedWrite(this.journal, this.client, req, ctx);
  }
}

@Controller({ name: 'journaled', for: ConfigMap, writes: ConfigMap })
class Journaled implements Reconciler {
  constructor(
    private readonly journal: Journal,
    private readonly client: Client,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    const j = this.journal;
    j.signals.push(ctx.signal);
    const start = performance.now();
    if (j.writeGate) {
      await gatedWrite(j, this.client, req, ctx);
    } else if (j.waitForAbort) {
      await new Promise((resolve) => {
        ctx.signal.addEventListener('abort', resolve, { once: true });
      });
      j.writeAfterAbort = this.client
        .patch(
          ConfigMap,
          { namespace: req.namespace ?? '', name: req.name },
          { type: 'merge', body: { data: { late: 'write' } } },
        )
        .then(
          () => 'written',
          (err: unknown) => err,
        );
    } else if (j.holdMs > 0) {
      await sleep(j.holdMs);
    }
    const end = performance.now();
    j.runs.push({ by: j.by, name: req.name, start, end, aborted: ctx.signal.aborted });
    j.timeline.push({ by: j.by, start, end });
  }
}

@Controller({ name: 'announcer', for: ConfigMap })
class Announcer implements Reconciler {
  constructor(
    private readonly recorder: EventRecorder,
    private readonly client: Client,
  ) {}

  async reconcile(req: Request): Promise<void> {
    const cm = await this.client.get(ConfigMap, req);
    if (!cm) return;
    this.recorder.event(cm, 'Normal', 'Seen', `saw ${req.name}`);
    this.recorder.event(cm, 'Normal', 'Seen', `saw ${req.name}`);
  }
}

/** Records an event as it starts, and another once its signal aborts (after the lease is lost). */
@Controller({ name: 'narrator', for: ConfigMap })
class Narrator implements Reconciler {
  constructor(
    private readonly recorder: EventRecorder,
    private readonly client: Client,
    private readonly journal: Journal,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext): Promise<void> {
    const cm = await this.client.get(ConfigMap, req);
    if (!cm) return;
    this.recorder.event(cm, 'Normal', 'BeforeLoss', `reconciling ${req.name}`);
    this.journal.signals.push(ctx.signal);
    await new Promise((resolve) => {
      ctx.signal.addEventListener('abort', resolve, { once: true });
    });
    this.recorder.event(cm, 'Warning', 'AfterLoss', `aborted ${req.name}`);
    this.journal.runs.push({ by: this.journal.by, name: req.name, start: 0, end: 0, aborted: true });
  }
}

@Controller({ name: 'widgets', for: Widget })
class WidgetWatcher implements Reconciler {
  async reconcile(): Promise<void> {
    // only here to need an informer for a kind that does not exist yet
  }
}

/** A kind no CRD ever defines in these tests. */
const Gadget = defineKind<KubernetesObject>({
  group: 'control.spoke.dev',
  version: 'v1',
  kind: 'Gadget',
  plural: 'gadgets',
  namespaced: true,
});

@Controller({ name: 'gadgets', for: Gadget })
class GadgetWatcher implements Reconciler {
  async reconcile(): Promise<void> {
    // only here to need an informer that can never sync
  }
}

describe('the manager against a real API server', () => {
  let env: ControlPlane;
  let nsCounter = 0;

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
  });
  after(async () => {
    await env.stop();
  });

  async function namespace(): Promise<string> {
    const ns = `mgr-${++nsCounter}`;
    await createNamespace(env.kubeConfig, ns);
    return ns;
  }

  function newManager(ns: string, journal: Journal, options: ManagerOptions = {}) {
    const manager = Manager.create({
      kubeConfig: env.kubeConfig,
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      logger: testLogger(),
      cache: { defaultNamespace: ns },
      ...options,
    });
    manager.container.registerInstance(Journal, journal);
    manager.register(Journaled);
    return manager;
  }

  const configMap = (ns: string, name: string) => ({ metadata: { namespace: ns, name }, data: { a: '1' } });

  it('/readyz fails until the caches sync, then /metrics exposes the controller and workqueue series', async () => {
    const ns = await namespace();
    const dir = mkdtempSync(join(tmpdir(), 'spoke-crd-'));
    const manager = newManager(ns, new Journal('solo'), {
      metricsBindAddress: '127.0.0.1:0',
      healthProbeBindAddress: '127.0.0.1:0',
    });
    manager.register(WidgetWatcher);
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    try {
      const { metricsUrl, healthProbeUrl } = await manager.serving();
      assert.ok(metricsUrl && healthProbeUrl);
      const readyz = await fetch(`${healthProbeUrl}/readyz`);
      assert.equal(
        readyz.status,
        500,
        'not ready: the Widget informer cannot list a kind that does not exist',
      );
      assert.match(await readyz.text(), /\[-\]informers failed: informer caches have not synced/);
      assert.equal((await fetch(`${healthProbeUrl}/healthz`)).status, 200, 'alive nonetheless');

      writeFileSync(join(dir, 'widgets.yaml'), widgetCRD);
      await env.installCRDs([dir]);
      await eventually(async () => {
        assert.equal((await fetch(`${healthProbeUrl}/readyz`)).status, 200);
      }, 40_000);

      await manager.client.create(ConfigMap, configMap(ns, 'counted'));
      await eventually(async () => {
        const text = await (await fetch(`${metricsUrl}/metrics`)).text();
        for (const series of [
          'controller_runtime_reconcile_total{controller="journaled",result="success"}',
          'controller_runtime_reconcile_errors_total{controller="journaled"}',
          'controller_runtime_terminal_reconcile_errors_total{controller="journaled"}',
          'controller_runtime_reconcile_panics_total{controller="journaled"}',
          'controller_runtime_reconcile_timeouts_total{controller="journaled"} 0',
          // prom-client's default collectors, as controller-runtime's process collector.
          'process_cpu_seconds_total',
          'process_resident_memory_bytes',
          'process_start_time_seconds',
          'nodejs_eventloop_lag_seconds',
          'controller_runtime_reconcile_time_seconds_bucket{le="0.005",controller="journaled"}',
          'controller_runtime_max_concurrent_reconciles{controller="journaled"} 1',
          'controller_runtime_active_workers{controller="journaled"}',
          'workqueue_depth{name="journaled",controller="journaled",priority="0"}',
          'workqueue_adds_total{name="journaled",controller="journaled"}',
          'workqueue_queue_duration_seconds_bucket{le="1e-8",name="journaled",controller="journaled"}',
          'workqueue_work_duration_seconds_count{name="journaled",controller="journaled"}',
          'workqueue_unfinished_work_seconds{name="journaled",controller="journaled"}',
          'workqueue_longest_running_processor_seconds{name="journaled",controller="journaled"}',
          'workqueue_retries_total{name="journaled",controller="journaled"}',
          'rest_client_requests_total{code="200",method="GET"',
          'rest_client_request_duration_seconds_bucket{le="0.005",verb="GET",host=',
          'rest_client_request_duration_seconds_bucket{le="60",verb="POST",host=',
          'rest_client_request_duration_seconds_count{verb="GET",host=',
        ]) {
          assert.ok(text.includes(series), `missing ${series}`);
        }
        assert.match(
          text,
          /controller_runtime_reconcile_total\{controller="journaled",result="success"\} [1-9]/,
        );
        assert.match(text, /rest_client_request_duration_seconds_count\{verb="POST",host="[^"]+"\} [1-9]/);
      });
    } finally {
      stop.abort();
      await running;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('start() rejects once cacheSyncTimeoutMs passes, naming the informer that did not sync and why; /readyz fails meanwhile', async () => {
    const ns = await namespace();
    const manager = newManager(ns, new Journal('solo'), {
      healthProbeBindAddress: '127.0.0.1:0',
      cacheSyncTimeoutMs: 1500,
    });
    manager.register(GadgetWatcher);
    const started = performance.now();
    const running = manager.start(new AbortController().signal);
    const { healthProbeUrl } = await manager.serving();
    const readyz = await fetch(`${healthProbeUrl ?? ''}/readyz`);
    assert.equal(readyz.status, 500, 'not ready while waiting for the sync');
    await assert.rejects(running, (err: unknown) => {
      assert.ok(err instanceof CacheSyncTimeoutError);
      assert.match(
        err.message,
        new RegExp(
          `^timed out after 1500 ms waiting for the informer caches to sync; not synced: ` +
            `control\\.spoke\\.dev/v1/Gadget in namespace ${ns} \\(\\w+: .*404`,
        ),
      );
      assert.doesNotMatch(err.message, /ConfigMap/, 'the synced informers are not named');
      assert.deepEqual(
        err.informers.map((h) => h.kind),
        ['control.spoke.dev/v1/Gadget'],
      );
      return true;
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 1400 && elapsed < 10_000, `rejected after ${Math.round(elapsed)} ms`);
    assert.equal(manager.hasSynced, false);
  });

  it('on SIGTERM stops taking work and lets the in-flight reconcile finish', async () => {
    const ns = await namespace();
    const journal = new Journal('solo');
    journal.holdMs = 1500;
    const manager = newManager(ns, journal);
    const running = manager.start(Manager.setupSignalHandler());
    await manager.elected();
    await manager.client.create(ConfigMap, configMap(ns, 'slow'));
    await eventually(() => {
      assert.equal(journal.signals.length, 1, 'the reconcile is in flight');
    });
    process.kill(process.pid, 'SIGTERM');
    await sleep(100);
    await manager.client.create(ConfigMap, configMap(ns, 'too-late')).catch(() => undefined);
    await running;
    assert.deepEqual(
      journal.runs.map((r) => [r.name, r.aborted]),
      [['slow', false]],
      'the in-flight reconcile finished with its signal intact; nothing new started',
    );
    assert.ok((journal.runs[0]?.end ?? 0) - (journal.runs[0]?.start ?? 0) >= 1490);
  });

  it('aborts in-flight reconciles once the graceful shutdown timeout passes', async () => {
    const ns = await namespace();
    const journal = new Journal('solo');
    journal.waitForAbort = true;
    const manager = newManager(ns, journal, { gracefulShutdownTimeoutMs: 300 });
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    await manager.elected();
    await manager.client.create(ConfigMap, configMap(ns, 'stuck'));
    await eventually(() => {
      assert.equal(journal.signals.length, 1);
    });
    const stoppedAt = performance.now();
    stop.abort();
    await running;
    assert.equal(journal.signals[0]?.aborted, true);
    const waited = performance.now() - stoppedAt;
    assert.ok(waited >= 290 && waited < 5000, `stopped after ${waited.toFixed(0)} ms`);
    assert.ok(
      String(await journal.writeAfterAbort).includes('shutting down'),
      'writes after the drain are fenced',
    );
  });

  it('records events.k8s.io/v1 Events, counting repeats in a series rather than new objects', async () => {
    const ns = await namespace();
    const manager = Manager.create({
      kubeConfig: env.kubeConfig,
      name: 'spoke-test',
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      logger: testLogger(),
      cache: { defaultNamespace: ns },
    });
    manager.register(Announcer);
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    try {
      await manager.elected();
      const cm = await manager.client.create(ConfigMap, configMap(ns, 'noted'));
      const events = await eventually(async () => {
        const list = await manager.client.list(Event, { namespace: ns, uncached: true });
        assert.equal(list[0]?.series?.count, 2);
        return list;
      });
      assert.equal(events.length, 1, 'the repeat updated the first Event');
      const [event] = events;
      assert.ok(event);
      assert.equal(event.reason, 'Seen');
      assert.equal(event.note, 'saw noted');
      assert.equal(event.reportingController, 'spoke-test/announcer');
      assert.equal(event.regarding?.uid, cm.metadata?.uid);
      assert.equal(event.regarding?.kind, 'ConfigMap');
    } finally {
      stop.abort();
      await running;
    }
  });

  for (const releaseOnCancel of [false, true]) {
    it(`two managers with leader election: one reconciles; the standby takes over ${
      releaseOnCancel ? 'at once when the leader releases' : 'within lease duration + retry period'
    }; never both`, async () => {
      const ns = await namespace();
      const leaseDurationMs = releaseOnCancel ? 4000 : 2000;
      const retryPeriodMs = 400;
      const leaderElection = {
        id: `le-${ns}`,
        namespace: ns,
        leaseDurationMs,
        renewDeadlineMs: leaseDurationMs - 500,
        retryPeriodMs,
        releaseOnCancel,
      };
      const timeline: { by: string; start: number; end: number }[] = [];
      const a = new Journal('a', timeline);
      const b = new Journal('b', timeline);
      const managerA = newManager(ns, a, { leaderElection: { ...leaderElection, identity: 'a' } });
      const managerB = newManager(ns, b, { leaderElection: { ...leaderElection, identity: 'b' } });
      const stopA = new AbortController();
      const stopB = new AbortController();
      const runningA = managerA.start(stopA.signal);
      await managerA.elected();
      const runningB = managerB.start(stopB.signal);
      try {
        for (let i = 0; i < 5; i++) await managerA.client.create(ConfigMap, configMap(ns, `before-${i}`));
        await eventually(() => {
          assert.equal(a.runs.filter((r) => r.name.startsWith('before-')).length, 5);
        });
        await sleep(2 * retryPeriodMs);
        assert.equal(b.runs.length, 0, 'the standby does not reconcile');
        assert.equal(managerB.hasSynced, true, 'the standby keeps a warm cache');

        stopA.abort();
        await runningA;
        const stoppedAt = performance.now();
        await managerB.elected();
        const handover = performance.now() - stoppedAt;
        const bound = releaseOnCancel
          ? retryPeriodMs * 2.2 + 700
          : leaseDurationMs + retryPeriodMs * 2.2 + 700;
        process.stdout.write(`# handover (releaseOnCancel=${releaseOnCancel}): ${handover.toFixed(0)} ms\n`);
        assert.ok(handover <= bound, `handover took ${handover.toFixed(0)} ms, bound ${bound.toFixed(0)} ms`);

        await managerB.client.create(ConfigMap, configMap(ns, 'after'));
        await eventually(() => {
          assert.ok(b.runs.some((r) => r.name === 'after'));
        });
        const lastOfA = Math.max(...timeline.filter((t) => t.by === 'a').map((t) => t.end));
        const firstOfB = Math.min(...timeline.filter((t) => t.by === 'b').map((t) => t.start));
        assert.ok(lastOfA <= firstOfB, 'never both at once');
      } finally {
        stopA.abort();
        stopB.abort();
        await Promise.all([runningA, runningB]);
      }
    });
  }

  it('on lease loss aborts in-flight reconciles at once, fences writes, and start() rejects', async () => {
    const ns = await namespace();
    const journal = new Journal('a');
    journal.waitForAbort = true;
    const manager = newManager(ns, journal, {
      leaderElection: {
        id: 'stolen',
        namespace: ns,
        identity: 'a',
        leaseDurationMs: 3000,
        renewDeadlineMs: 2000,
        retryPeriodMs: 300,
      },
    });
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    const outcome = running.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    try {
      await manager.elected();
      await manager.client.create(ConfigMap, configMap(ns, 'busy'));
      await eventually(() => {
        assert.equal(journal.signals.length, 1);
      });
      const leases = env.kubeConfig.makeApiClient(CoordinationV1Api);
      const lease = await leases.readNamespacedLease({ namespace: ns, name: 'stolen' });
      lease.spec ??= {};
      lease.spec.holderIdentity = 'thief';
      const stolenAt = performance.now();
      await leases.replaceNamespacedLease({ namespace: ns, name: 'stolen', body: lease });
      await eventually(
        () => {
          assert.equal(journal.signals[0]?.aborted, true);
        },
        5000,
        5,
      );
      const noticed = performance.now() - stolenAt;
      assert.ok(noticed < 300 * 2 + 500, `noticed after ${noticed.toFixed(0)} ms`);
      assert.ok(String(await journal.writeAfterAbort).includes('leader election lost'), 'writes are fenced');
      assert.ok((await outcome) instanceof LeaderElectionLostError);
    } finally {
      stop.abort();
      await outcome;
    }
  });
  /** A 2 s lease renewed every 200 ms, held by identity `a`: losses are noticed within a retry period. */
  const fastRetryPeriodMs = 200;
  const fastElection = (ns: string, id: string) => ({
    id,
    namespace: ns,
    identity: 'a',
    leaseDurationMs: 2000,
    renewDeadlineMs: 1500,
    retryPeriodMs: fastRetryPeriodMs,
  });

  /** Writes `holder` into the Lease `ns/name` as another replica would, bypassing the manager under test. */
  async function stealLease(ns: string, name: string, holder: string, leaseDurationSeconds: number) {
    const leases = env.kubeConfig.makeApiClient(CoordinationV1Api);
    const lease = await leases.readNamespacedLease({ namespace: ns, name });
    lease.spec ??= {};
    lease.spec.holderIdentity = holder;
    lease.spec.leaseDurationSeconds = leaseDurationSeconds;
    lease.spec.renewTime = new V1MicroTime();
    const stolenAt = performance.now();
    await leases.replaceNamespacedLease({ namespace: ns, name, body: lease });
    return stolenAt;
  }

  async function leaseHolder(ns: string, name: string): Promise<string | undefined> {
    const leases = env.kubeConfig.makeApiClient(CoordinationV1Api);
    return (await leases.readNamespacedLease({ namespace: ns, name })).spec?.holderIdentity;
  }

  it('a lease lost while draining after SIGTERM aborts in-flight reconciles at once and fences their writes', async () => {
    const ns = await namespace();
    const journal = new Journal('a');
    journal.waitForAbort = true;
    const manager = newManager(ns, journal, {
      // Long enough that only the lease loss, not the drain timeout, can abort the reconcile within the bound below.
      gracefulShutdownTimeoutMs: 8000,
      leaderElection: fastElection(ns, 'drained'),
    });
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    const outcome = running.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    try {
      await manager.elected();
      await manager.client.create(ConfigMap, configMap(ns, 'draining'));
      await eventually(() => {
        assert.equal(journal.signals.length, 1, 'the reconcile is in flight');
      });
      stop.abort(new Error('received SIGTERM'));
      // The drain waits for the reconcile, which waits for its signal; the manager still renews the lease.
      const stolenAt = await stealLease(ns, 'drained', 'thief', 30);
      await eventually(
        () => {
          assert.equal(journal.signals[0]?.aborted, true, 'the in-flight reconcile was aborted');
        },
        5000,
        5,
      );
      const noticed = performance.now() - stolenAt;
      assert.ok(noticed < 2 * fastRetryPeriodMs + 500, `aborted ${noticed.toFixed(0)} ms after the loss`);
      assert.match(String(await journal.writeAfterAbort), /leader election lost/, 'the late write is fenced');
      const atServer = await env.kubeConfig
        .makeApiClient(CoreV1Api)
        .readNamespacedConfigMap({ namespace: ns, name: 'draining' });
      assert.deepEqual(atServer.data, { a: '1' }, 'the API server holds no write after the loss');
      assert.ok((await outcome) instanceof LeaderElectionLostError, 'start() reports the loss');
    } finally {
      stop.abort();
      await outcome;
    }
  });

  it('after losing the lease the manager does not campaign again while it stops: the new holder keeps it', async () => {
    const ns = await namespace();
    const journal = new Journal('a');
    // A reconcile that ignores its signal keeps the manager stopping for a while after the loss.
    journal.holdMs = 3000;
    const manager = newManager(ns, journal, {
      leaderElection: fastElection(ns, 'once'),
    });
    const stop = new AbortController();
    const outcome = manager.start(stop.signal).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    try {
      await manager.elected();
      await manager.client.create(ConfigMap, configMap(ns, 'slow'));
      await eventually(() => {
        assert.equal(journal.signals.length, 1, 'the reconcile is in flight');
      });
      // The thief announces 1 s and never renews: by our clock the lease is free again 1 s after the theft.
      const stolenAt = await stealLease(ns, 'once', 'thief', 1);
      assert.ok((await outcome) instanceof LeaderElectionLostError, 'start() reports the loss');
      const run = journal.runs[0];
      assert.ok(run, 'the reconcile finished');
      assert.ok(
        run.end - stolenAt > 1000 + 3 * fastRetryPeriodMs,
        'the manager was still stopping well after the stolen lease expired',
      );
      assert.equal(await leaseHolder(ns, 'once'), 'thief', 'the stopping manager took the lease back');
    } finally {
      stop.abort();
      await outcome;
    }
  });
  it('a write held in the network when the lease is lost is aborted: it never reaches the API server', async () => {
    const ns = await namespace();
    const relay = await HoldingRelay.start(new URL(env.server));
    const journal = new Journal('a');
    let openGate!: () => void;
    journal.writeGate = new Promise((resolve) => (openGate = resolve));
    const manager = newManager(ns, journal, {
      kubeConfig: relay.kubeConfigFor(env.kubeConfig),
      // Long enough that only the lease loss, not the drain timeout, can end the blocked reconcile in time.
      gracefulShutdownTimeoutMs: 3000,
      leaderElection: fastElection(ns, 'held'),
    });
    const stop = new AbortController();
    const outcome = manager.start(stop.signal).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    try {
      await manager.elected();
      await manager.client.create(ConfigMap, configMap(ns, 'held'));
      await eventually(() => {
        assert.equal(journal.signals.length, 1, 'the reconcile is in flight');
      });
      // The link stops delivering: the reconcile's patch and the lease renewals wait in the network, so the
      // renew deadline passes and the lease is lost while the patch is in flight.
      relay.hold();
      openGate();
      const lostAt = await outcome.then(() => performance.now());
      assert.ok((await outcome) instanceof LeaderElectionLostError, 'start() reports the loss');
      const write = await journal.gatedWrite;
      assert.ok(write instanceof LeaderElectionLostError, `the held write ended with ${String(write)}`);
      // Aborting a request closes its connection: what it had sent but the network had not delivered is gone.
      await eventually(() => {
        assert.equal(
          relay.heldConnections,
          0,
          'a write held in the network is still waiting to be delivered',
        );
      }, 3000);
      assert.ok(relay.discarded > 0, 'no request was abandoned in the network');
      // Deliver whatever is still held on open connections, and wait for the server's answers.
      const delivered = await relay.release();
      const atServer = await env.kubeConfig
        .makeApiClient(CoreV1Api)
        .readNamespacedConfigMap({ namespace: ns, name: 'held' });
      assert.deepEqual(
        atServer.data,
        { a: '1' },
        `the write landed after the loss (${delivered} held connections delivered, ${Math.round(performance.now() - lostAt)} ms after)`,
      );
    } finally {
      stop.abort();
      await outcome;
      await relay.stop();
    }
  });
  it('reconcileTimeoutMs aborts a write held in the network: it never reaches the API server', async () => {
    const ns = await namespace();
    const relay = await HoldingRelay.start(new URL(env.server));
    const journal = new Journal('solo');
    let openGate!: () => void;
    journal.writeGate = new Promise((resolve) => (openGate = resolve));
    const manager = Manager.create({
      kubeConfig: relay.kubeConfigFor(env.kubeConfig),
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      logger: testLogger(),
      cache: { defaultNamespace: ns },
    });
    manager.container.registerInstance(Journal, journal);
    manager.register(TimedWriter);
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    try {
      await manager.elected();
      await manager.client.create(ConfigMap, configMap(ns, 'timed'));
      await eventually(() => {
        assert.equal(journal.signals.length, 1, 'the reconcile is in flight');
      });
      relay.hold();
      openGate();
      const write = await eventually(async () => {
        assert.ok(journal.gatedWrite, 'the write was sent');
        const outcome = await Promise.race([journal.gatedWrite, sleep(10).then(() => 'pending')]);
        assert.notEqual(outcome, 'pending', 'the write is still in flight');
        return outcome;
      }, 5000);
      assert.match(String(write), /reconcile timed out after 1500 ms/, 'the write ended with the timeout');
      await eventually(() => {
        assert.equal(
          relay.heldConnections,
          0,
          'a write held in the network is still waiting to be delivered',
        );
      }, 3000);
      assert.ok(relay.discarded > 0, 'no request was abandoned in the network');
      await relay.release();
      const atServer = await env.kubeConfig
        .makeApiClient(CoreV1Api)
        .readNamespacedConfigMap({ namespace: ns, name: 'timed' });
      assert.deepEqual(atServer.data, { a: '1' }, 'the write landed after its reconcile timed out');
    } finally {
      stop.abort();
      await running;
      await relay.stop();
    }
  });
  it('records no event once the lease is lost: the recorder is fenced with the writes', async () => {
    const ns = await namespace();
    const journal = new Journal('a');
    const manager = Manager.create({
      kubeConfig: env.kubeConfig,
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      logger: testLogger(),
      cache: { defaultNamespace: ns },
      leaderElection: fastElection(ns, 'narrated'),
    });
    manager.container.registerInstance(Journal, journal);
    manager.register(Narrator);
    const stop = new AbortController();
    const outcome = manager.start(stop.signal).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    const reasons = async () =>
      (await env.kubeConfig.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items.map(
        (e) => e.reason,
      );
    try {
      await manager.elected();
      await manager.client.create(ConfigMap, configMap(ns, 'narrated'));
      await eventually(async () => {
        assert.deepEqual(await reasons(), ['BeforeLoss'], 'the leader records events');
      });
      await stealLease(ns, 'narrated', 'thief', 30);
      assert.ok((await outcome) instanceof LeaderElectionLostError, 'start() reports the loss');
      assert.equal(journal.runs.length, 1, 'the reconcile recorded its event after the loss');
      assert.deepEqual(await reasons(), ['BeforeLoss'], 'an event was posted after the lease was lost');
    } finally {
      stop.abort();
      await outcome;
    }
  });
});
