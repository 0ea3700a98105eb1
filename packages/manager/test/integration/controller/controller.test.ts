import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import { Client } from '../../../src/client/client.js';
import { SingleWriterViolationError } from '../../../src/client/guard/single-writer-client.js';
import { Controller } from '../../../src/controller/index.js';
import { ConfigMap, Deployment, Secret } from '../../../src/kinds/builtin-kinds.js';
import { Manager } from '../../../src/manager/index.js';
import { metricsRegistry } from '../../../src/metrics/registry.js';
import {
  TerminalError,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from '../../../src/reconcile/index.js';
import {
  apiServerRequests,
  createNamespace,
  eventually,
  metricValue,
  testLogger,
} from '../../support/control-layer-support.js';

/** What a test's reconcilers did, and what they should do: injected into every controller through the container. */
class Probe {
  readonly runs: { controller: string; key: string; start: number; end: number }[] = [];
  readonly inFlight = new Map<string, number>();
  readonly errors: unknown[] = [];
  /** What a reconcile last read, by object name. */
  readonly lastSeen = new Map<string, string | undefined>();
  maxInFlightPerKey = 0;
  maxInFlight = 0;
  behave: (controller: string, req: Request, ctx: ReconcileContext) => Promise<Result | undefined> = () =>
    Promise.resolve(undefined);

  /** Runs `body` (default: the test's `behave`) as one instrumented reconcile. */
  async run(
    controller: string,
    req: Request,
    ctx: ReconcileContext,
    body: () => Promise<Result | undefined> = () => this.behave(controller, req, ctx),
  ): Promise<Result | undefined> {
    const key = `${controller}:${req.namespace ?? ''}/${req.name}`;
    const n = (this.inFlight.get(key) ?? 0) + 1;
    this.inFlight.set(key, n);
    this.maxInFlightPerKey = Math.max(this.maxInFlightPerKey, n);
    this.maxInFlight = Math.max(
      this.maxInFlight,
      [...this.inFlight.values()].reduce((a, b) => a + b, 0),
    );
    const start = performance.now();
    try {
      return await body();
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
      this.runs.push({
        controller,
        key: `${req.namespace ?? ''}/${req.name}`,
        start,
        end: performance.now(),
      });
    }
  }

  count(controller: string, name?: string): number {
    return this.runs.filter(
      (r) => r.controller === controller && (name === undefined || r.key.endsWith(`/${name}`)),
    ).length;
  }
}

@Controller({ name: 'cm-reader-a', for: ConfigMap })
class ReaderA implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly probe: Probe,
  ) {}
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined> {
    return this.probe.run('cm-reader-a', req, ctx, async () => {
      await this.client.get(ConfigMap, req);
      await this.client.list(ConfigMap, { namespace: req.namespace ?? '' });
      return undefined;
    });
  }
}

@Controller({ name: 'cm-reader-b', for: ConfigMap })
class ReaderB implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly probe: Probe,
  ) {}
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined> {
    return this.probe.run('cm-reader-b', req, ctx, async () => {
      await this.client.get(ConfigMap, req);
      return undefined;
    });
  }
}

@Controller({ name: 'secret-owner', for: ConfigMap, owns: [Secret], writes: Secret })
class SecretOwner implements Reconciler {
  constructor(private readonly probe: Probe) {}
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined> {
    return this.probe.run('secret-owner', req, ctx);
  }
}

@Controller({ name: 'busy', for: ConfigMap, maxConcurrentReconciles: 4 })
class Busy implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly probe: Probe,
  ) {}
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined> {
    return this.probe.run('busy', req, ctx, async () => {
      const cm = await this.client.get(ConfigMap, req);
      await sleep(100); // a reconcile that takes a while: events keep arriving meanwhile
      this.probe.lastSeen.set(req.name, cm?.metadata?.labels?.['n']);
      return undefined;
    });
  }
}

@Controller({ name: 'retrying', for: ConfigMap, maxConcurrentReconciles: 2 })
class Retrying implements Reconciler {
  constructor(private readonly probe: Probe) {}
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined> {
    return this.probe.run('retrying', req, ctx);
  }
}

@Controller({ name: 'annotator', for: ConfigMap, writes: ConfigMap })
class Annotator implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly probe: Probe,
  ) {}
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined> {
    return this.probe.run('annotator', req, ctx, async () => {
      const cached = await this.client.get(ConfigMap, req);
      if (!cached || cached.metadata?.annotations?.['done'] === 'true') return undefined;
      await this.probe.behave('annotator', req, ctx); // the test's chance to change the object under us
      // The cache's object is shared and frozen: change a copy.
      const cm = structuredClone(cached);
      cm.metadata ??= {};
      cm.metadata.annotations = { ...cm.metadata.annotations, done: 'true' };
      await this.client.update(ConfigMap, cm);
      return undefined;
    });
  }
}

@Controller({ name: 'trespasser', for: ConfigMap, writes: Secret })
class Trespasser implements Reconciler {
  constructor(
    private readonly client: Client,
    private readonly probe: Probe,
  ) {}
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined> {
    return this.probe.run('trespasser', req, ctx, async () => {
      try {
        await this.client.create(Deployment, {
          metadata: { namespace: req.namespace ?? '', name: req.name },
          spec: {
            selector: { matchLabels: { app: 'x' } },
            template: {
              metadata: { labels: { app: 'x' } },
              spec: { containers: [{ name: 'c', image: 'x' }] },
            },
          },
        });
      } catch (err) {
        this.probe.errors.push(err);
        throw new TerminalError('tried to write a kind it does not own', { cause: err });
      }
      return undefined;
    });
  }
}

describe('controllers against a real API server', () => {
  let env: ControlPlane;
  let nsCounter = 0;

  before(async () => {
    env = await ControlPlane.start({ nodes: 0 });
  });
  after(async () => {
    await env.stop();
  });

  /** A manager confined to a fresh namespace, with `probe` injectable, running `classes`. */
  async function run(probe: Probe, ...classes: (new (...args: never[]) => Reconciler)[]) {
    const ns = `ctl-${++nsCounter}`;
    await createNamespace(env.kubeConfig, ns);
    const manager = Manager.create({
      kubeConfig: env.kubeConfig,
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      logger: testLogger(),
      cache: { defaultNamespace: ns },
    });
    manager.container.registerInstance(Probe, probe);
    manager.register(...classes);
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    await manager.elected();
    return {
      ns,
      manager,
      stop: async () => {
        stop.abort();
        await running;
      },
    };
  }

  const configMap = (ns: string, name: string, extra: Partial<V1ConfigMap> = {}): V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: ns, name },
    data: { a: '1' },
    ...extra,
  });

  it('two controllers of one kind share one LIST+WATCH, and reconciles read the cache, not the API', async () => {
    const probe = new Probe();
    const before = await apiServerRequests(env, 'configmaps');
    const { ns, manager, stop } = await run(probe, ReaderA, ReaderB);
    try {
      for (let i = 0; i < 5; i++) await manager.client.create(ConfigMap, configMap(ns, `cm-${i}`));
      await eventually(() => {
        assert.ok(probe.count('cm-reader-a') >= 5 && probe.count('cm-reader-b') >= 5);
      });
      const during = await apiServerRequests(env, 'configmaps');
      const delta = (verb: string) => during.verb(verb) - before.verb(verb);
      process.stdout.write(
        `# 2 controllers, ${probe.runs.length} reconciles: configmaps LIST +${delta('LIST')}, ` +
          `open WATCH +${during.openWatches - before.openWatches}, GET +${delta('GET')}\n`,
      );
      assert.equal(during.verb('LIST') - before.verb('LIST'), 1, 'one LIST for both controllers');
      assert.equal(during.openWatches - before.openWatches, 1, 'one open WATCH for both controllers');
      assert.equal(during.verb('GET') - before.verb('GET'), 0, 'reconciles sent no GET');
    } finally {
      await stop();
    }
  });

  it('a change to an owned object reconciles its controller owner, and only it', async () => {
    const probe = new Probe();
    const { ns, manager, stop } = await run(probe, SecretOwner);
    try {
      const owner = await manager.client.create(ConfigMap, configMap(ns, 'owner'));
      const other = await manager.client.create(ConfigMap, configMap(ns, 'other'));
      const ref = (cm: V1ConfigMap, controller: boolean) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: cm.metadata?.name ?? '',
        uid: cm.metadata?.uid ?? '',
        controller,
      });
      await manager.client.create(Secret, {
        metadata: { namespace: ns, name: 'owned', ownerReferences: [ref(owner, true), ref(other, false)] },
        stringData: { k: 'v' },
      });
      await eventually(() => {
        assert.ok(
          probe.count('secret-owner', 'owner') >= 2,
          'owner reconciled for itself and for its Secret',
        );
      });
      await sleep(300);
      const [ownerBefore, otherBefore] = [
        probe.count('secret-owner', 'owner'),
        probe.count('secret-owner', 'other'),
      ];
      await manager.client.patch(
        Secret,
        { namespace: ns, name: 'owned' },
        {
          type: 'merge',
          body: { metadata: { labels: { changed: 'yes' } } },
        },
      );
      await eventually(() => {
        assert.equal(probe.count('secret-owner', 'owner'), ownerBefore + 1);
      });
      await sleep(300);
      assert.equal(
        probe.count('secret-owner', 'other'),
        otherBefore,
        'a non-controller owner is not reconciled',
      );
    } finally {
      await stop();
    }
  });

  it('1000 updates of one object cause far fewer reconciles, never two at once, ending on the last state', async () => {
    const probe = new Probe();
    const { ns, manager, stop } = await run(probe, Busy);
    try {
      await manager.client.create(ConfigMap, configMap(ns, 'hot'));
      await manager.client.create(ConfigMap, configMap(ns, 'cold'));
      const label = (n: string) =>
        manager.client.patch(
          ConfigMap,
          { namespace: ns, name: 'hot' },
          {
            type: 'merge',
            body: { metadata: { labels: { n } } },
          },
        );
      // Eight writers at once, 125 updates each, then one last update: the state the reconciles must end on.
      await Promise.all(
        Array.from({ length: 8 }, async (_, lane) => {
          for (let i = 0; i < 125; i++) await label(`${lane}-${i}`);
        }),
      );
      await label('final');
      await eventually(() => {
        assert.equal(probe.lastSeen.get('hot'), 'final');
      }, 20_000);
      const reconciles = probe.count('busy', 'hot');
      assert.ok(reconciles < 250, `1001 events → ${reconciles} reconciles`);
      process.stdout.write(`# 1001 updates of one ConfigMap → ${reconciles} reconciles\n`);
      assert.equal(probe.maxInFlightPerKey, 1, 'one key never reconciled twice at once');
    } finally {
      await stop();
    }
  });

  it('retries errors with growing backoff, honours requeueAfter, and never retries a TerminalError', async () => {
    const probe = new Probe();
    const attempts = new Map<string, number>();
    probe.behave = (_c, req) => {
      const n = (attempts.get(req.name) ?? 0) + 1;
      attempts.set(req.name, n);
      if (req.name === 'flaky' && n <= 5) return Promise.reject(new Error(`attempt ${n} failed`));
      if (req.name === 'buggy' && n <= 1) return Promise.reject(new TypeError('x is undefined'));
      if (req.name === 'later' && n === 1) return Promise.resolve({ requeueAfter: 400 });
      if (req.name === 'broken') return Promise.reject(new TerminalError('spec is invalid'));
      return Promise.resolve(undefined);
    };
    const metrics = await metricsRegistry.metrics();
    const panicsBefore = metricValue(metrics, 'controller_runtime_reconcile_panics_total', {
      controller: 'retrying',
    });
    const { ns, manager, stop } = await run(probe, Retrying);
    try {
      for (const name of ['flaky', 'later', 'broken', 'buggy']) {
        await manager.client.create(ConfigMap, configMap(ns, name));
      }
      await eventually(() => {
        assert.equal(attempts.get('flaky'), 6);
        assert.equal(attempts.get('later'), 2);
        assert.equal(attempts.get('buggy'), 2);
      });
      const starts = probe.runs.filter((r) => r.key === `${ns}/flaky`).map((r) => r.start);
      const gaps = starts.slice(1).map((s, i) => s - (starts[i] ?? 0));
      gaps.forEach((gap, i) => {
        assert.ok(
          gap >= 5 * 2 ** i - 2,
          `retry ${i + 1} after ${gap.toFixed(1)} ms, expected ≥ ${5 * 2 ** i} ms`,
        );
      });
      assert.ok(
        (gaps[4] ?? 0) > 2 * (gaps[1] ?? 0),
        `backoff grows: ${gaps.map((g) => g.toFixed(0)).join(', ')}`,
      );
      const later = probe.runs.filter((r) => r.key === `${ns}/later`);
      const laterGap = (later[1]?.start ?? 0) - (later[0]?.end ?? 0);
      assert.ok(laterGap >= 390, `requeued after ${laterGap.toFixed(0)} ms`);
      await sleep(500);
      assert.equal(attempts.get('broken'), 1, 'a TerminalError is not retried');
      const text = await metricsRegistry.metrics();
      assert.equal(
        metricValue(text, 'controller_runtime_terminal_reconcile_errors_total', { controller: 'retrying' }),
        1,
      );
      assert.equal(
        metricValue(text, 'controller_runtime_reconcile_panics_total', { controller: 'retrying' }) -
          panicsBefore,
        1,
        'a TypeError counts as a panic',
      );
      assert.ok(
        metricValue(text, 'controller_runtime_reconcile_total', {
          controller: 'retrying',
          result: 'requeue_after',
        }) >= 1,
      );
    } finally {
      await stop();
    }
  });

  it('a 409 Conflict on update is retried until the reconcile converges', async () => {
    const probe = new Probe();
    let conflicts = 0;
    let interfered = false;
    const { ns, manager, stop } = await run(probe, Annotator);
    probe.behave = async (_c, req) => {
      if (!interfered) {
        interfered = true;
        // Someone else writes first: the reconcile's copy (from the cache) is now stale.
        await manager.client.patch(
          ConfigMap,
          { namespace: ns, name: req.name },
          {
            type: 'merge',
            body: { metadata: { labels: { other: 'writer' } } },
          },
        );
      }
      return undefined;
    };
    try {
      await manager.client.create(ConfigMap, configMap(ns, 'contended'));
      await eventually(async () => {
        const cm = await manager.client.get(
          ConfigMap,
          { namespace: ns, name: 'contended' },
          { uncached: true },
        );
        assert.equal(cm?.metadata?.annotations?.['done'], 'true');
        assert.equal(cm.metadata.labels?.['other'], 'writer', 'the other write was not lost');
      });
      conflicts = metricValue(await metricsRegistry.metrics(), 'controller_runtime_reconcile_errors_total', {
        controller: 'annotator',
      });
      assert.ok(conflicts >= 1, 'the first update conflicted');
      // A run is recorded when its reconcile returns, a moment after its update is visible to the GET above.
      await eventually(() => {
        assert.ok(probe.count('annotator', 'contended') >= 2);
      });
    } finally {
      await stop();
    }
  });

  it('a write outside `writes` throws before any request is sent', async () => {
    const probe = new Probe();
    const before = await apiServerRequests(env, 'deployments');
    const { ns, manager, stop } = await run(probe, Trespasser);
    try {
      await manager.client.create(ConfigMap, configMap(ns, 'bait'));
      await eventually(() => {
        assert.ok(probe.count('trespasser', 'bait') >= 1);
      });
      assert.ok(probe.errors[0] instanceof SingleWriterViolationError, String(probe.errors[0]));
      const after = await apiServerRequests(env, 'deployments');
      assert.equal(after.verb('POST') - before.verb('POST'), 0, 'no create reached the API server');
    } finally {
      await stop();
    }
  });
});
