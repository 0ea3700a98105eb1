/** The benchmark's outputs: the Markdown table (docs/benchmarks.md) and the chart (docs/benchmarks.svg). */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Framework } from './support/contender.js';
import { configMapBytes } from './support/load.js';
import { summarize, type Summary } from './support/stats.js';
import type { MemcachedRun, ScalePhases } from './memcached-at-scale.js';
import type { ConvergeRun, MemoryRun, SideBySideResults } from './side-by-side.js';
import type { InitialSyncRun, SyncMode } from './initial-sync.js';

export interface BenchResults {
  readonly generatedAt: string;
  readonly quick: boolean;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryBytes: number;
    readonly node: string;
    readonly go: string;
  };
  readonly settings: {
    readonly sizes: readonly number[];
    readonly maxConcurrentReconciles: readonly number[];
    readonly runs: number;
    readonly cachedObjects: number;
    readonly driverConcurrency: number;
  };
  readonly sideBySide: SideBySideResults;
  readonly memcachedSettings: {
    readonly sizes: readonly number[];
    readonly servers: number;
    readonly proxies: number;
    readonly scaledServers: number;
    readonly podsPerNode: number;
  };
  readonly memcached: readonly MemcachedRun[];
  /** Absent in results written before the section existed. */
  readonly initialSyncSettings?: { readonly objects: number; readonly runs: number };
  readonly initialSync?: readonly InitialSyncRun[];
  readonly durationSeconds: number;
}

const names: Record<Framework | 'floor', string> = {
  spoke: 'Spoke',
  'controller-runtime': 'controller-runtime',
  floor: 'floor (the driver writes)',
};

const mib = (bytes: number) => bytes / 2 ** 20;

/** `median [min–max]` with `digits` decimals; just the value for one run. */
function fmt(s: Summary | undefined, digits = 2, scale = 1): string {
  if (!s) return '–';
  const v = (x: number) => (x * scale).toFixed(digits);
  return s.runs.length === 1 ? v(s.median) : `${v(s.median)} [${v(s.min)}–${v(s.max)}]`;
}

function pick<T>(runs: readonly T[], value: (r: T) => number | undefined): Summary | undefined {
  const values = runs.map(value).filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : summarize(values);
}

/** One converge configuration's runs, summarized. */
interface ConvergeRow {
  readonly contender: Framework | 'floor';
  readonly n: number;
  readonly mcr: number | undefined;
  readonly converge: Summary;
  readonly peakRss: Summary | undefined;
  readonly cpuPer1000: Summary | undefined;
  readonly p50: Summary | undefined;
  readonly p99: Summary | undefined;
  readonly requests: Readonly<Record<string, number>>;
}

function convergeRows(runs: readonly ConvergeRun[]): ConvergeRow[] {
  const groups = new Map<string, ConvergeRun[]>();
  for (const r of runs) {
    const key = `${r.n}/${r.maxConcurrentReconciles ?? 0}/${r.contender}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0];
    if (!first) throw new Error('empty group');
    const requestKeys = [...new Set(g.flatMap((r) => Object.keys(r.requests)))].sort();
    return {
      contender: first.contender,
      n: first.n,
      mcr: first.maxConcurrentReconciles,
      converge: summarize(g.map((r) => r.convergeSeconds)),
      peakRss: pick(g, (r) => r.peakRssBytes),
      cpuPer1000: pick(g, (r) => r.cpuSecondsPer1000Reconciles),
      p50: pick(g, (r) => r.reconcileP50Seconds),
      p99: pick(g, (r) => r.reconcileP99Seconds),
      requests: Object.fromEntries(
        requestKeys
          .map((k) => [k, summarize(g.map((r) => r.requests[k] ?? 0)).median] as const)
          .filter(([, median]) => median !== 0),
      ),
    };
  });
}

function find(rows: readonly ConvergeRow[], contender: Framework | 'floor', n: number, mcr?: number) {
  return rows.find((r) => r.contender === contender && r.n === n && (contender === 'floor' || r.mcr === mcr));
}

interface MemoryRow {
  readonly contender: Framework;
  readonly idleRss: Summary;
  readonly idleHeap: Summary;
  readonly perObject: Summary;
  readonly cachedRss: Summary;
  readonly cachedPeakRss: Summary;
  readonly restartPeakRss: Summary;
}

function memoryRows(runs: readonly MemoryRun[]): MemoryRow[] {
  return (['controller-runtime', 'spoke'] as const).flatMap((contender) => {
    const g = runs.filter((r) => r.contender === contender);
    if (g.length === 0) return [];
    return [
      {
        contender,
        idleRss: summarize(g.map((r) => r.idleRssBytes)),
        idleHeap: summarize(g.map((r) => r.idleHeapBytes)),
        perObject: summarize(g.map((r) => r.heapPerObjectBytes)),
        cachedRss: summarize(g.map((r) => r.cachedRssBytes)),
        cachedPeakRss: summarize(g.map((r) => r.cachedPeakRssBytes)),
        restartPeakRss: summarize(g.map((r) => r.restartPeakRssBytes)),
      },
    ];
  });
}

/** A target of issue 11 and whether the medians meet it. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export function targetChecks(results: BenchResults): TargetCheck[] {
  const rows = convergeRows(results.sideBySide.converge);
  const memory = memoryRows(results.sideBySide.memory);
  const checks: TargetCheck[] = [];
  for (const n of results.settings.sizes) {
    for (const mcr of results.settings.maxConcurrentReconciles) {
      const spoke = find(rows, 'spoke', n, mcr);
      const cr = find(rows, 'controller-runtime', n, mcr);
      if (!spoke || !cr) continue;
      const ratio = spoke.converge.median / cr.converge.median;
      checks.push({
        target: `converge ≤ 1.0× controller-runtime, N = ${n}, ${mcr} worker${mcr > 1 ? 's' : ''}`,
        measured: `${ratio.toFixed(2)}×`,
        met: ratio <= 1.0,
      });
      if (spoke.cpuPer1000 && cr.cpuPer1000) {
        const cpu = spoke.cpuPer1000.median / cr.cpuPer1000.median;
        checks.push({
          target: `CPU per 1000 reconciles ≤ 1.5× controller-runtime, N = ${n}, ${mcr} worker${mcr > 1 ? 's' : ''}`,
          measured: `${cpu.toFixed(2)}×`,
          met: cpu <= 1.5,
        });
      }
      if (n === Math.min(...results.settings.sizes) && spoke.peakRss && cr.peakRss) {
        const rss = spoke.peakRss.median / cr.peakRss.median;
        checks.push({
          target: `peak RSS ≤ 2× controller-runtime, N = ${n}, ${mcr} worker${mcr > 1 ? 's' : ''}`,
          measured: `${rss.toFixed(2)}× (${mib(spoke.peakRss.median).toFixed(0)} vs ${mib(cr.peakRss.median).toFixed(0)} MiB)`,
          met: rss <= 2,
        });
      }
    }
  }
  const spokeMemory = memory.find((m) => m.contender === 'spoke');
  const crMemory = memory.find((m) => m.contender === 'controller-runtime');
  if (spokeMemory && crMemory) {
    const k = results.settings.cachedObjects;
    for (const [what, s, c] of [
      ['cached by watch', spokeMemory.cachedPeakRss, crMemory.cachedPeakRss],
      ['started on them', spokeMemory.restartPeakRss, crMemory.restartPeakRss],
    ] as const) {
      const rss = s.median / c.median;
      checks.push({
        target: `peak RSS ≤ 2× controller-runtime with ${k} ConfigMaps cached (${what})`,
        measured: `${rss.toFixed(2)}× (${mib(s.median).toFixed(0)} vs ${mib(c.median).toFixed(0)} MiB)`,
        met: rss <= 2,
      });
    }
  }
  if (spokeMemory) {
    checks.push({
      target: 'idle manager (nothing cached) ≤ 70 MB RSS',
      measured: `${(spokeMemory.idleRss.median / 1e6).toFixed(0)} MB`,
      met: spokeMemory.idleRss.median <= 70e6,
    });
    checks.push({
      target: 'heap per cached ~300-byte ConfigMap after GC ≤ 2 KB',
      measured: `${(spokeMemory.perObject.median / 1024).toFixed(2)} KiB`,
      met: spokeMemory.perObject.median <= 2048,
    });
  }
  const largest = results.memcached.at(-1);
  if (largest) {
    checks.push({
      target: `the memcached manager with ${largest.memcacheds} Memcached stays inside its Deployment's memory limit`,
      measured:
        `peak RSS ${mib(largest.peakRssBytes).toFixed(0)} MiB of ${mib(largest.memoryLimitBytes).toFixed(0)} MiB` +
        (largest.failure ? `; the manager died: ${largest.failure}` : ''),
      met: !largest.failure && largest.peakRssBytes <= largest.memoryLimitBytes,
    });
  }
  for (const run of results.memcached) {
    checks.push({
      target: `the operator's own share of a scale event ≤ 1 s (${run.memcacheds} Memcached)`,
      measured: run.scale ? `${run.scale.operatorSeconds.toFixed(2)} s` : 'not measured: the manager died',
      met: run.scale !== undefined && run.scale.operatorSeconds <= 1,
    });
  }
  return checks;
}

/** The phases of a scale event, in the order they were seen, with who acts in each. */
const phases: readonly { key: keyof Omit<ScalePhases, 'operatorSeconds'>; what: string; who: string }[] = [
  { key: 'statefulSetScaled', what: 'StatefulSet asks for the new servers', who: 'operator' },
  { key: 'serversReady', what: 'StatefulSet reports every server ready', who: 'cluster' },
  { key: 'endpointsReady', what: 'EndpointSlices list every server ready', who: 'cluster' },
  { key: 'configWritten', what: 'a proxy ConfigMap lists every server', who: 'operator' },
  { key: 'proxyTemplateUpdated', what: 'the proxy Deployment mounts it', who: 'operator' },
  { key: 'proxyRolledOut', what: 'every proxy pod runs it, available', who: 'cluster' },
  { key: 'statusConverged', what: 'the Memcached status: Available, converged', who: 'operator' },
];

function initialSyncSection(results: BenchResults): string[] {
  const runs = results.initialSync;
  const settings = results.initialSyncSettings;
  if (!runs || !settings || runs.length === 0) return [];
  const n = settings.objects.toLocaleString('en-US').replace(/,/g, ' ');
  const out: string[] = [`## Initial sync of ${n} objects: streaming list vs paginated LIST`, ''];
  out.push(
    `The Spoke contender started on a fresh control plane holding ${n} unlabelled ConfigMaps of ${configMapBytes} ` +
      'bytes, with `cache.streamingList` on (one WATCH with `sendInitialEvents=true`; envtest serves the beta ' +
      '`WatchList` gate) and off (LIST in pages of 500, as client-go). Peak RSS is VmHWM: of the manager since its ' +
      'start; of kube-apiserver from just before the manager starts (reset through /proc/PID/clear_refs), so ' +
      "creating the objects does not count. Requests are kube-apiserver's own counts for configmaps during the sync (its own watches included).",
    '',
    '| mode | sync (s) | manager peak RSS (MiB) | kube-apiserver peak RSS (MiB) | LIST | WATCH |',
    '| --- | --: | --: | --: | --: | --: |',
  );
  const labels: Record<SyncMode, string> = { streaming: 'streaming list', paginated: 'paginated LIST' };
  for (const mode of ['streaming', 'paginated'] as const) {
    const group = runs.filter((r) => r.mode === mode);
    if (group.length === 0) continue;
    const cell = (value: (r: InitialSyncRun) => number, digits: number, scale = 1) =>
      fmt(pick(group, value), digits, scale);
    out.push(
      `| ${labels[mode]} | ${cell((r) => r.syncSeconds, 2)} | ${cell((r) => r.managerPeakRssBytes, 0, 1 / 2 ** 20)} | ` +
        `${cell((r) => r.apiServerPeakRssBytes, 0, 1 / 2 ** 20)} | ${cell((r) => r.listRequests, 0)} | ${cell((r) => r.watchRequests, 0)} |`,
    );
  }
  return out;
}

function memcachedSection(results: BenchResults): string[] {
  const s = results.memcachedSettings;
  const out: string[] = ['## The memcached operator at scale', ''];
  out.push(
    `On the simulated cluster (@spoke/envtest with kube-controller-manager, kube-scheduler and kwok nodes of ` +
      `${s.podsPerNode} pods each), M Memcached of ${s.servers} servers and ${s.proxies} twemproxy proxies each are ` +
      "created at once (concurrency 32), the operator running as its own user with its Deployment's `NODE_OPTIONS`. " +
      "Its requests are counted from kube-apiserver's audit log (a policy that records that user only, one entry " +
      'per request, a watch when it starts), from its start until every Memcached converged. One run per size.',
    '',
    '| Memcached | pods | nodes | all Available (s) | all converged (s) | operator requests | peak RSS (MiB) | Deployment limit (MiB) |',
    '| --: | --: | --: | --: | --: | --- | --: | --: |',
  );
  for (const r of results.memcached) {
    const byVerb = new Map<string, number>();
    for (const [k, v] of Object.entries(r.operatorRequests)) {
      const verb = k.split(' ')[0] ?? k;
      byVerb.set(verb, (byVerb.get(verb) ?? 0) + v);
    }
    const requests = `${r.operatorRequestsTotal}: ${[...byVerb.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}`;
    out.push(
      `| ${r.memcacheds} | ${r.memcacheds * (r.servers + r.proxies)} | ${r.nodes} | ${r.allAvailableSeconds?.toFixed(1) ?? '–'} | ` +
        `${r.allConvergedSeconds?.toFixed(1) ?? `– (${r.failure ?? '?'})`} | ${requests} | ${mib(r.peakRssBytes).toFixed(0)} | ${mib(r.memoryLimitBytes).toFixed(0)} |`,
    );
  }
  out.push(
    '',
    `### One scale event, ${s.servers} → ${s.scaledServers} servers, with every Memcached converged`,
    '',
    "Seen by the harness's watches on the objects of one Memcached, each phase the first event that shows it " +
      "(seconds after the patch of `spec.replicas`). The operator's share is the sum of its own steps: patch → " +
      'StatefulSet, EndpointSlices ready → ConfigMap, ConfigMap → Deployment, rolled out → status.',
    '',
    `| phase | who | ${results.memcached.map((r) => `${r.memcacheds} Memcached: at (s)`).join(' | ')} |`,
    `| --- | --- | ${results.memcached.map(() => '--:').join(' | ')} |`,
  );
  for (const p of phases) {
    out.push(
      `| ${p.what} | ${p.who} | ${results.memcached.map((r) => r.scale?.[p.key].toFixed(3) ?? '–').join(' | ')} |`,
    );
  }
  out.push(
    `| **the operator's share** | operator | ${results.memcached.map((r) => (r.scale ? `**${r.scale.operatorSeconds.toFixed(3)}**` : '–')).join(' | ')} |`,
    '',
  );
  return out;
}

function requestsCell(requests: Readonly<Record<string, number>>): string {
  const entries = Object.entries(requests);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

export function renderMarkdown(results: BenchResults): string {
  const { machine, settings } = results;
  const rows = convergeRows(results.sideBySide.converge);
  const memory = memoryRows(results.sideBySide.memory);
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    `Written by \`make bench\` (hack/run-benchmarks.mjs, test/bench/) on ${results.generatedAt.slice(0, 10)}, in ` +
      `${(results.durationSeconds / 60).toFixed(0)} min: ${machine.cpus} × ${machine.cpuModel}, ` +
      `${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${machine.node}, ${machine.go}; a fresh etcd + ` +
      `kube-apiserver (@spoke/envtest, \`nodes: 0\`) for every run. Medians of ${settings.runs} run(s), ` +
      `[range] when more than one. The machine is shared: compare the contenders within one table, not across ` +
      `machines.`,
    '',
  );
  const loads = results.sideBySide.converge.flatMap((r) =>
    r.loadAverage === undefined ? [] : [r.loadAverage],
  );
  const relists = results.sideBySide.converge.reduce((n, r) => n + (r.observerRelists ?? 0), 0);
  if (loads.length > 0) {
    const load = summarize(loads);
    out.push(
      `The 1-minute load average at the end of the runs: median ${load.median.toFixed(1)}, ` +
        `${load.min.toFixed(1)}–${load.max.toFixed(1)}, on ${machine.cpus} cores` +
        (relists > 0
          ? `; kube-apiserver ended the harness's Secret watch ${relists} time(s) (a client falling behind), ` +
            'and the Secrets only its new LIST showed are timed at that LIST.'
          : '.'),
      '',
    );
  }
  if (results.quick)
    out.push(
      '**Quick mode** (`BENCH_QUICK=1`): one small run, to check the harness; not figures to quote.',
      '',
    );
  out.push(
    '## The secret mirror, side by side',
    '',
    '![converge time and peak RSS against N](benchmarks.svg)',
    '',
  );
  out.push(
    "The manager README's tutorial controller ([examples/secret-mirror](../examples/secret-mirror)) against its " +
      'controller-runtime v0.21 twin ([test/bench/controller-runtime-mirror](../test/bench/controller-runtime-mirror/main.go)): ' +
      `ConfigMaps labelled \`spoke.dev/mirror=true\` become owned Secrets with the same data, and an Event. A load ` +
      `driver creates N labelled ConfigMaps of ${configMapBytes} bytes at concurrency ${settings.driverConcurrency}; ` +
      "*converge* runs from its first create to the last Secret seen by the harness's own watch. The *floor* is the " +
      `driver itself creating each ConfigMap and then its Secret, at the same concurrency, with no controller. Both ` +
      'contenders log at info, have no client-side rate limit, and run with the same worker count.',
    '',
  );
  out.push(
    '| N | workers | contender | converge (s) | × floor | × controller-runtime | peak RSS (MiB) | CPU s / 1000 reconciles | reconcile p50 / p99 (ms) | requests on the API server (contender) |',
    '| --: | --: | --- | --: | --: | --: | --: | --: | --: | --- |',
  );
  for (const n of settings.sizes) {
    const floor = find(rows, 'floor', n);
    if (floor) {
      out.push(
        `| ${n} | – | ${names.floor} | ${fmt(floor.converge)} | 1.00 | – | – | – | – | ${requestsCell(floor.requests)} |`,
      );
    }
    for (const mcr of settings.maxConcurrentReconciles) {
      const cr = find(rows, 'controller-runtime', n, mcr);
      for (const contender of ['controller-runtime', 'spoke'] as const) {
        const r = find(rows, contender, n, mcr);
        if (!r) continue;
        const xFloor = floor ? (r.converge.median / floor.converge.median).toFixed(2) : '–';
        const xCr = cr ? (r.converge.median / cr.converge.median).toFixed(2) : '–';
        const latency =
          r.p50 && r.p99 ? `${(r.p50.median * 1000).toFixed(1)} / ${(r.p99.median * 1000).toFixed(1)}` : '–';
        out.push(
          `| ${n} | ${mcr} | ${names[contender]} | ${fmt(r.converge)} | ${xFloor} | ${xCr} | ` +
            `${fmt(r.peakRss, 0, 1 / 2 ** 20)} | ${fmt(r.cpuPer1000)} | ${latency} | ${requestsCell(r.requests)} |`,
        );
      }
    }
  }
  out.push(
    '',
    "Requests: kube-apiserver's `apiserver_request_total` on configmaps, secrets and events, from before the " +
      "contender started until it was quiet, less the driver's ConfigMap creates and the harness's one LIST of " +
      "Secrets; kube-apiserver counts a WATCH when it ends, so the informers' open watches are not in it. CPU: " +
      'utime + stime of the process from its caches synced until it was quiet, per 1000 reconciles ' +
      "(`controller_runtime_reconcile_total`; about 2 per ConfigMap: its own event, then its Secret's). p50/p99: " +
      'interpolated from `controller_runtime_reconcile_time_seconds` buckets, as `histogram_quantile`.',
    '',
  );
  const dropped = rows.filter((r) => r.contender !== 'floor' && (r.requests['POST events'] ?? r.n) < r.n);
  if (dropped.length > 0) {
    out.push(
      `Fewer \`POST events\` than N (${dropped.map((r) => `${names[r.contender]} at N = ${r.n}, ${r.mcr} worker(s)`).join('; ')}): ` +
        "that recorder dropped events. client-go's event broadcaster, which controller-runtime's recorder uses, " +
        'queues at most 1000 and drops what does not fit; where the other contender sent every one, it did more work.',
      '',
    );
  }
  out.push('### Memory', '');
  out.push(
    `A contender synced on an empty namespace (*idle*), then ${settings.cachedObjects} unlabelled ConfigMaps of ${configMapBytes} bytes ` +
      'created (its ConfigMap informer caches them, its predicate filters them out), then a new process started on ' +
      'them (its initial LIST). Heap: after a forced full GC through the bench-only `/debug/heap` endpoint of each ' +
      'bench main (Go: `runtime.GC()`, `HeapAlloc`; Node: `gc()`, `heapUsed`). RSS and peak RSS: `VmRSS`, `VmHWM`.',
    '',
  );
  out.push(
    `| contender | idle RSS (MiB) | idle heap (MiB) | heap per cached ConfigMap (B) | RSS, ${settings.cachedObjects} cached (MiB) | peak RSS, ${settings.cachedObjects} cached (MiB) | peak RSS, started on ${settings.cachedObjects} (MiB) |`,
    '| --- | --: | --: | --: | --: | --: | --: |',
  );
  for (const m of memory) {
    const toMib = 1 / 2 ** 20;
    out.push(
      `| ${names[m.contender]} | ${fmt(m.idleRss, 1, toMib)} | ${fmt(m.idleHeap, 1, toMib)} | ${fmt(m.perObject, 0)} | ` +
        `${fmt(m.cachedRss, 1, toMib)} | ${fmt(m.cachedPeakRss, 1, toMib)} | ${fmt(m.restartPeakRss, 1, toMib)} |`,
    );
  }
  const initialSync = initialSyncSection(results);
  if (initialSync.length > 0) out.push('', ...initialSync);
  out.push('', ...memcachedSection(results));
  out.push('## Targets of issue 11 (medians)', '', '| target | measured | met |', '| --- | --- | --- |');
  for (const c of targetChecks(results))
    out.push(`| ${c.target} | ${c.measured} | ${c.met ? 'yes' : '**no**'} |`);
  out.push('');
  return out.join('\n');
}

function seriesName(r: ConvergeRow): string {
  return r.contender === 'floor'
    ? 'floor'
    : `${names[r.contender]}, ${r.mcr} worker${(r.mcr ?? 1) > 1 ? 's' : ''}`;
}

const palette: Record<string, readonly string[]> = {
  Spoke: ['#6baed6', '#2171b5', '#08306b'],
  'controller-runtime': ['#fdae6b', '#e6550d', '#7f2704'],
};

function seriesColor(series: string, index: number, all: readonly string[]): string {
  const framework = series.split(',')[0] ?? '';
  const shades = palette[framework];
  if (!shades) return '#888888';
  const rank = all.slice(0, index).filter((s) => s.startsWith(`${framework},`)).length;
  return shades[Math.min(rank, shades.length - 1)] ?? '#888888';
}

/** Converge time and peak RSS against N, both frameworks at each worker count (and the floor's converge time). */
export async function renderChart(results: BenchResults): Promise<string> {
  const rows = convergeRows(results.sideBySide.converge);
  const values = rows.flatMap((r) => {
    const series = { series: seriesName(r), n: r.n };
    return [
      {
        ...series,
        measure: 'converge (s)',
        median: r.converge.median,
        min: r.converge.min,
        max: r.converge.max,
      },
      ...(r.peakRss
        ? [
            {
              ...series,
              measure: 'peak RSS (MiB)',
              median: mib(r.peakRss.median),
              min: mib(r.peakRss.min),
              max: mib(r.peakRss.max),
            },
          ]
        : []),
    ];
  });
  const seriesDomain = [...new Set(rows.map(seriesName))].sort();
  const panel = (measure: string) => ({
    transform: [{ filter: { field: 'measure', equal: measure } }],
    width: 320,
    height: 240,
    encoding: {
      x: {
        field: 'n',
        type: 'quantitative' as const,
        title: 'N (ConfigMaps)',
        axis: { values: [...results.settings.sizes], format: 'd' },
      },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        // One hue per framework, darker for more workers; the floor in grey.
        scale: { domain: seriesDomain, range: seriesDomain.map(seriesColor) },
      },
    },
    layer: [
      {
        mark: { type: 'line' as const, point: true },
        encoding: { y: { field: 'median', type: 'quantitative' as const, title: measure } },
      },
      {
        mark: 'rule' as const,
        encoding: { y: { field: 'min', type: 'quantitative' as const }, y2: { field: 'max' } },
      },
    ],
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `The secret mirror, Spoke and controller-runtime: medians of ${results.settings.runs} run(s), bars: range`,
    data: { values },
    hconcat: [panel('converge (s)'), panel('peak RSS (MiB)')],
    config: { font: 'sans-serif', background: 'white', legend: { labelLimit: 300 } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
