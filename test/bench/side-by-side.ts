/**
 * The side-by-side benchmark of issue 11: the secret mirror written with Spoke (examples/secret-mirror) and with
 * controller-runtime (controller-runtime-mirror/), each alone on a fresh etcd + kube-apiserver, under the same load,
 * against the raw floor of the load driver doing the controllers' writes itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ControlPlane, waitFor } from '@spoke/envtest';
import { Contender, type Framework } from './support/contender.js';
import { KubeHttp } from './support/kube-http.js';
import {
  createConfigMaps,
  SecretObserver,
  verifyMirrored,
  writeConfigMapsAndSecrets,
} from './support/load.js';
import { bucketDelta, buckets, histogramQuantile, samples, sum } from './support/prom-text.js';

/** What to measure. */
export interface SideBySideOptions {
  /** ConfigMaps per converge run (N). */
  readonly sizes: readonly number[];
  /** Workers of the controller (MaxConcurrentReconciles). */
  readonly maxConcurrentReconciles: readonly number[];
  readonly runs: number;
  /** ConfigMaps cached for the memory figures. */
  readonly cachedObjects: number;
  /** Requests the load driver keeps in flight. */
  readonly driverConcurrency: number;
  readonly controllerRuntimeBinary: string;
  /** Contenders' logs go here. */
  readonly logDir: string;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** One converge run: a contender (or the floor) mirroring N ConfigMaps. */
export interface ConvergeRun {
  readonly contender: Framework | 'floor';
  readonly n: number;
  /** Undefined for the floor. */
  readonly maxConcurrentReconciles?: number;
  readonly run: number;
  /** First ConfigMap create sent → last Secret observed by the harness's watch. */
  readonly convergeSeconds: number;
  /**
   * Requests on configmaps, secrets and events by `VERB resource`, from kube-apiserver's apiserver_request_total
   * (before the contender started → once it was quiet), less the driver's and the observer's own. Long-running
   * WATCHes are counted by kube-apiserver when they end, so open watches are not in it.
   */
  readonly requests: Readonly<Record<string, number>>;
  /** Times the harness's Secret watch was ended by kube-apiserver and started again (see SecretObserver.relists). */
  readonly observerRelists?: number;
  /** The machine's 1-minute load average at the end of the run: the machine is shared. */
  readonly loadAverage?: number;
  readonly peakRssBytes?: number;
  /** utime + stime from caches synced to quiet. */
  readonly cpuSeconds?: number;
  readonly reconciles?: number;
  readonly cpuSecondsPer1000Reconciles?: number;
  readonly reconcileP50Seconds?: number;
  readonly reconcileP99Seconds?: number;
}

/** One memory run of a contender. */
export interface MemoryRun {
  readonly contender: Framework;
  readonly run: number;
  readonly cachedObjects: number;
  /** Synced on an empty namespace, before any forced GC. */
  readonly idleRssBytes: number;
  readonly idleHeapBytes: number;
  /** With `cachedObjects` ConfigMaps cached (delivered by its watch), after a forced GC. */
  readonly cachedHeapBytes: number;
  readonly heapPerObjectBytes: number;
  readonly cachedRssBytes: number;
  readonly cachedPeakRssBytes: number;
  /** A new process started on the `cachedObjects` ConfigMaps (its initial LIST), synced, after a forced GC. */
  readonly restartHeapBytes: number;
  readonly restartPeakRssBytes: number;
}

export interface SideBySideResults {
  readonly converge: ConvergeRun[];
  readonly memory: MemoryRun[];
}

const namespace = 'bench';
const watchedResources = new Set(['configmaps', 'secrets', 'events']);
const frameworks: readonly Framework[] = ['controller-runtime', 'spoke'];

/** apiserver_request_total on configmaps, secrets and events, by `VERB resource`. */
function requestsByVerb(metricsText: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples(metricsText, 'apiserver_request_total')) {
    const resource = s.labels.resource ?? '';
    if (!watchedResources.has(resource)) continue;
    const key = `${s.labels.verb ?? '?'} ${resource}`;
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** after − before − the harness's own requests, dropping zeros. */
function requestDelta(
  before: Map<string, number>,
  after: Map<string, number>,
  own: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of [...after.entries()].sort()) {
    const n = value - (before.get(key) ?? 0) - (own[key] ?? 0);
    if (n !== 0) out[key] = n;
  }
  return out;
}

async function withControlPlane<T>(
  fn: (env: ControlPlane, http: KubeHttp) => Promise<T>,
  concurrency: number,
) {
  const env = await ControlPlane.start({ nodes: 0 });
  const http = await KubeHttp.from(env.kubeConfig, concurrency);
  try {
    await http.expect(201, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    return await fn(env, http);
  } finally {
    http.close();
    await env.stop();
  }
}

const reconcileOf = (labels: Readonly<Record<string, string>>) => labels.controller === 'secret-mirror';

/**
 * Waits until the contender is quiet: every expected Secret observed, its queue empty, and its reconcile count and
 * the Events created unchanged over two polls a second apart (events are sent asynchronously, after the reconcile).
 */
async function waitForQuiet(env: ControlPlane, contender: Contender): Promise<void> {
  let previous = '';
  await waitFor(
    async () => {
      const metrics = await contender.metrics();
      const depth = sum(metrics, 'workqueue_depth', (l) => l.name === 'secret-mirror');
      const reconciles = sum(metrics, 'controller_runtime_reconcile_total', reconcileOf);
      const events = sum(
        await env.apiServerMetrics(),
        'apiserver_request_total',
        (l) => l.resource === 'events' && l.verb === 'POST',
      );
      const now = `${reconciles}/${events}`;
      const quiet = depth === 0 && now === previous;
      previous = now;
      return quiet;
    },
    { description: `${contender.framework} to be quiet`, timeoutMs: 120_000, intervalMs: 1000 },
  );
}

/** One converge run of `contender` (or the floor) on a fresh control plane. */
export async function convergeRun(
  options: SideBySideOptions,
  contenderName: Framework | 'floor',
  n: number,
  mcr: number | undefined,
  run: number,
): Promise<ConvergeRun> {
  return withControlPlane(async (env, http) => {
    const apiBefore = requestsByVerb(await env.apiServerMetrics());
    const contender =
      contenderName === 'floor'
        ? undefined
        : await Contender.start({
            framework: contenderName,
            kubeconfigPath: env.kubeconfigPath,
            maxConcurrentReconciles: mcr ?? 1,
            logPath: join(options.logDir, `${contenderName}-n${n}-mcr${mcr ?? 0}-run${run}.log`),
            controllerRuntimeBinary: options.controllerRuntimeBinary,
          });
    try {
      const cpuBefore = contender?.cpuSeconds();
      const metricsBefore = await contender?.metrics();
      const observer = await SecretObserver.start(http, namespace);
      try {
        const start =
          contender === undefined
            ? await writeConfigMapsAndSecrets(http, namespace, n, options.driverConcurrency)
            : await createConfigMaps(http, namespace, n, {
                labelled: true,
                concurrency: options.driverConcurrency,
              });
        const end = await observer.waitForCount(n, 600_000, () => contender?.exited());
        const convergeSeconds = (end - start) / 1000;
        if (contender) await waitForQuiet(env, contender);
        const apiAfter = requestsByVerb(await env.apiServerMetrics());
        // The driver's ConfigMap creates (and, for the floor, nothing else of the harness) and the observer's LIST.
        // (Its LIST again, and the WATCH that kube-apiserver ended, for each relist.)
        const own: Record<string, number> = {
          'LIST secrets': 1 + observer.relists,
          'WATCH secrets': observer.relists,
          ...(contender === undefined ? {} : { 'POST configmaps': n }),
        };
        const requests = requestDelta(apiBefore, apiAfter, own);
        await verifyMirrored(http, namespace, n);
        const context = { observerRelists: observer.relists, loadAverage: loadavg()[0] ?? 0 };
        if (!contender || cpuBefore === undefined || metricsBefore === undefined) {
          return { contender: 'floor', n, run, convergeSeconds, requests, ...context };
        }
        const cpuSeconds = contender.cpuSeconds() - cpuBefore;
        const metricsAfter = await contender.metrics();
        const peakRssBytes = contender.memory().peakRssBytes;
        const reconciles =
          sum(metricsAfter, 'controller_runtime_reconcile_total', reconcileOf) -
          sum(metricsBefore, 'controller_runtime_reconcile_total', reconcileOf);
        const histogram = bucketDelta(
          buckets(metricsBefore, 'controller_runtime_reconcile_time_seconds', reconcileOf),
          buckets(metricsAfter, 'controller_runtime_reconcile_time_seconds', reconcileOf),
        );
        return {
          contender: contenderName,
          n,
          maxConcurrentReconciles: mcr,
          run,
          convergeSeconds,
          requests,
          ...context,
          peakRssBytes,
          cpuSeconds,
          reconciles,
          cpuSecondsPer1000Reconciles: reconciles > 0 ? (cpuSeconds / reconciles) * 1000 : undefined,
          reconcileP50Seconds: histogramQuantile(0.5, histogram),
          reconcileP99Seconds: histogramQuantile(0.99, histogram),
        };
      } finally {
        observer.close();
      }
    } finally {
      await contender?.stop();
    }
  }, options.driverConcurrency);
}

/** One memory run of `framework` on a fresh control plane. */
export async function memoryRun(
  options: SideBySideOptions,
  framework: Framework,
  run: number,
): Promise<MemoryRun> {
  return withControlPlane(async (env, http) => {
    const start = (suffix: string) =>
      Contender.start({
        framework,
        kubeconfigPath: env.kubeconfigPath,
        maxConcurrentReconciles: 1,
        logPath: join(options.logDir, `${framework}-memory-run${run}-${suffix}.log`),
        controllerRuntimeBinary: options.controllerRuntimeBinary,
      });
    const cachedAll = (c: Contender) =>
      waitFor(async () => (await c.state(namespace)).cachedConfigMaps === options.cachedObjects, {
        description: `${framework} to cache ${options.cachedObjects} ConfigMaps`,
        timeoutMs: 300_000,
        intervalMs: 200,
        abortReason: () => c.exited(),
      });

    const first = await start('watch');
    let idle: { rss: number; heap: number };
    let cached: { heap: number; rss: number; peak: number };
    try {
      // Settled: a moment after the sync, as a manager at rest would be measured.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const idleRss = first.memory().rssBytes;
      idle = { rss: idleRss, heap: await first.heapAfterGc() };
      // Unlabelled: cached by the controller's ConfigMap informer, filtered out by its predicate, so never reconciled.
      await createConfigMaps(http, namespace, options.cachedObjects, {
        labelled: false,
        concurrency: options.driverConcurrency,
      });
      await cachedAll(first);
      const heap = await first.heapAfterGc();
      const memory = first.memory();
      cached = { heap, rss: memory.rssBytes, peak: memory.peakRssBytes };
    } finally {
      await first.stop();
    }

    const second = await start('list');
    try {
      await cachedAll(second);
      const heap = await second.heapAfterGc();
      return {
        contender: framework,
        run,
        cachedObjects: options.cachedObjects,
        idleRssBytes: idle.rss,
        idleHeapBytes: idle.heap,
        cachedHeapBytes: cached.heap,
        heapPerObjectBytes: (cached.heap - idle.heap) / options.cachedObjects,
        cachedRssBytes: cached.rss,
        cachedPeakRssBytes: cached.peak,
        restartHeapBytes: heap,
        restartPeakRssBytes: second.memory().peakRssBytes,
      };
    } finally {
      await second.stop();
    }
  }, options.driverConcurrency);
}

/**
 * Runs every configuration `runs` times, interleaved (run 1 of everything, then run 2...), so that a slow spell
 * of the shared machine does not land on one contender only.
 */
export async function runSideBySide(options: SideBySideOptions): Promise<SideBySideResults> {
  mkdirSync(options.logDir, { recursive: true });
  const results: SideBySideResults = { converge: [], memory: [] };
  // A run that fails (a port taken between pick and bind, a component slow to start) is tried once more; what was
  // measured so far is kept in the log directory either way.
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error: unknown) {
      options.log(
        `${what} failed, trying once more: ${error instanceof Error ? error.message : String(error)}`,
      );
      return await fn();
    } finally {
      writeFileSync(join(options.logDir, 'partial-results.json'), JSON.stringify(results, null, 2));
    }
  };
  for (let run = 1; run <= options.runs; run++) {
    for (const n of options.sizes) {
      const t0 = performance.now();
      const floor = await attempt(`run ${run} N=${n} floor`, () =>
        convergeRun(options, 'floor', n, undefined, run),
      );
      results.converge.push(floor);
      options.log(`run ${run} N=${n} floor: ${floor.convergeSeconds.toFixed(2)} s (${elapsed(t0)})`);
      for (const mcr of options.maxConcurrentReconciles) {
        for (const framework of frameworks) {
          const t1 = performance.now();
          const r = await attempt(`run ${run} N=${n} MCR=${mcr} ${framework}`, () =>
            convergeRun(options, framework, n, mcr, run),
          );
          results.converge.push(r);
          options.log(
            `run ${run} N=${n} MCR=${mcr} ${framework}: ${r.convergeSeconds.toFixed(2)} s, ` +
              `peak RSS ${mb(r.peakRssBytes)} MB, CPU ${r.cpuSeconds?.toFixed(2)} s, ` +
              `${r.reconciles} reconciles, ${JSON.stringify(r.requests)} (${elapsed(t1)})`,
          );
        }
      }
    }
    for (const framework of frameworks) {
      const t1 = performance.now();
      const m = await attempt(`run ${run} memory ${framework}`, () => memoryRun(options, framework, run));
      results.memory.push(m);
      options.log(
        `run ${run} memory ${framework}: idle RSS ${mb(m.idleRssBytes)} MB, ` +
          `${m.heapPerObjectBytes.toFixed(0)} B heap per cached ConfigMap, ` +
          `peak RSS ${mb(m.cachedPeakRssBytes)} MB with ${m.cachedObjects} cached, ` +
          `${mb(m.restartPeakRssBytes)} MB starting on them (${elapsed(t1)})`,
      );
    }
  }
  return results;
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(1);
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(0)} s`;
}
