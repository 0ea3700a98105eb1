/**
 * "Initial sync of N objects: streaming list vs paginated LIST": the Spoke contender started on N cached-to-be
 * ConfigMaps, once with `--streaming-list` and once without, each on a fresh control plane. Measured: the
 * manager's peak RSS (VmHWM) and kube-apiserver's peak RSS during the sync (its VmHWM, reset just before the
 * contender starts, so that creating the N objects does not count), and the LIST and WATCH requests it served.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ControlPlane, waitFor } from '@spoke/envtest';
import { Contender } from './support/contender.js';
import { KubeHttp } from './support/kube-http.js';
import { createConfigMaps } from './support/load.js';
import { memoryOf } from './support/proc-stats.js';
import { sum } from './support/prom-text.js';

export type SyncMode = 'streaming' | 'paginated';

export interface InitialSyncOptions {
  readonly objects: number;
  readonly runs: number;
  readonly driverConcurrency: number;
  readonly controllerRuntimeBinary: string;
  readonly logDir: string;
  readonly log: (line: string) => void;
}

export interface InitialSyncRun {
  readonly mode: SyncMode;
  readonly run: number;
  readonly objects: number;
  /** From the contender's start until its informers report synced. */
  readonly syncSeconds: number;
  readonly managerPeakRssBytes: number;
  readonly apiServerPeakRssBytes: number;
  /** kube-apiserver's `apiserver_request_total` for configmaps during the sync: the witness of the path taken. */
  readonly listRequests: number;
  readonly watchRequests: number;
}

const namespace = 'bench-sync';

/** Resets VmHWM of a process we started to its current RSS (Linux: "5" to /proc/PID/clear_refs). */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

async function oneRun(options: InitialSyncOptions, mode: SyncMode, run: number): Promise<InitialSyncRun> {
  const env = await ControlPlane.start({ nodes: 0 });
  const http = await KubeHttp.from(env.kubeConfig, options.driverConcurrency);
  try {
    await http.expect(201, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    await createConfigMaps(http, namespace, options.objects, {
      labelled: false,
      concurrency: options.driverConcurrency,
    });
    const apiServer = env.components.find((c) => c.name === 'kube-apiserver');
    if (!apiServer) throw new Error('no kube-apiserver pid');
    const requests = (metrics: string, verb: string) =>
      sum(metrics, 'apiserver_request_total', (l) => l.resource === 'configmaps' && l.verb === verb);
    const m0 = await env.apiServerMetrics();
    resetPeakRss(apiServer.pid);
    const started = performance.now();
    const contender = await Contender.start({
      framework: 'spoke',
      kubeconfigPath: env.kubeconfigPath,
      maxConcurrentReconciles: 1,
      logPath: join(options.logDir, `spoke-initial-sync-${mode}-run${run}.log`),
      controllerRuntimeBinary: options.controllerRuntimeBinary,
      streamingList: mode === 'streaming',
    });
    try {
      const syncSeconds = (performance.now() - started) / 1000;
      const apiServerPeakRssBytes = memoryOf(apiServer.pid).peakRssBytes;
      await waitFor(async () => (await contender.state(namespace)).cachedConfigMaps === options.objects, {
        description: `spoke to cache ${options.objects} ConfigMaps`,
        timeoutMs: 300_000,
        intervalMs: 200,
        abortReason: () => contender.exited(),
      });
      const m1 = await env.apiServerMetrics();
      return {
        mode,
        run,
        objects: options.objects,
        syncSeconds,
        managerPeakRssBytes: contender.memory().peakRssBytes,
        apiServerPeakRssBytes,
        listRequests: requests(m1, 'LIST') - requests(m0, 'LIST'),
        // An open watch is counted when it ends: a streaming list still open shows in the long-running gauge.
        watchRequests:
          requests(m1, 'WATCH') -
          requests(m0, 'WATCH') +
          sum(m1, 'apiserver_longrunning_requests', (l) => l.resource === 'configmaps' && l.verb === 'WATCH'),
      };
    } finally {
      await contender.stop();
    }
  } finally {
    http.close();
    await env.stop();
  }
}

/** Runs both modes `runs` times, interleaved, and checks that each took the path it claims. */
export async function runInitialSync(options: InitialSyncOptions): Promise<InitialSyncRun[]> {
  const results: InitialSyncRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    for (const mode of ['streaming', 'paginated'] as const) {
      options.log(`initial sync of ${options.objects}: ${mode}, run ${run}`);
      const r = await oneRun(options, mode, run);
      // The witness: a streaming sync sends no LIST of configmaps; a paginated one at least one per 500 objects.
      if (mode === 'streaming' && r.listRequests !== 0) {
        throw new Error(
          `streaming sync sent ${r.listRequests} LIST requests: it fell back to the paginated LIST`,
        );
      }
      if (mode === 'paginated' && r.listRequests < Math.ceil(options.objects / 500)) {
        throw new Error(
          `paginated sync of ${options.objects} objects sent only ${r.listRequests} LIST requests`,
        );
      }
      results.push(r);
    }
  }
  return results;
}
