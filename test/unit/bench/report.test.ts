import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MemcachedRun } from '../../bench/memcached-at-scale.js';
import { renderChart, renderMarkdown, targetChecks, type BenchResults } from '../../bench/report.js';
import type { ConvergeRun, MemoryRun } from '../../bench/side-by-side.js';
import type { InitialSyncRun } from '../../bench/initial-sync.js';

const MiB = 2 ** 20;

function converge(contender: ConvergeRun['contender'], seconds: number[], extra: Partial<ConvergeRun> = {}) {
  return seconds.map(
    (convergeSeconds, i): ConvergeRun => ({
      contender,
      n: 1000,
      ...(contender === 'floor' ? {} : { maxConcurrentReconciles: 1 }),
      run: i + 1,
      convergeSeconds,
      requests: { 'POST secrets': 1000 },
      ...extra,
    }),
  );
}

const memory = (contender: MemoryRun['contender'], idleRss: number, perObject: number): MemoryRun => ({
  contender,
  run: 1,
  cachedObjects: 10_000,
  idleRssBytes: idleRss,
  idleHeapBytes: 1,
  cachedHeapBytes: 1 + perObject * 10_000,
  heapPerObjectBytes: perObject,
  cachedRssBytes: idleRss * 2,
  cachedPeakRssBytes: idleRss * 2,
  restartHeapBytes: 1,
  restartPeakRssBytes: idleRss * 3,
});

const scale = {
  statefulSetScaled: 0.05,
  serversReady: 1,
  endpointsReady: 1.5,
  configWritten: 1.6,
  proxyTemplateUpdated: 1.7,
  proxyRolledOut: 3,
  statusConverged: 3.2,
  operatorSeconds: 0.45,
};

const memcached: MemcachedRun = {
  memcacheds: 300,
  servers: 3,
  proxies: 2,
  nodes: 16,
  allAvailableSeconds: 100,
  allConvergedSeconds: 120,
  operatorRequests: { 'create configmaps': 300, 'patch statefulsets': 300 },
  operatorRequestsTotal: 600,
  peakRssBytes: 300 * MiB,
  rssBytes: 290 * MiB,
  memoryLimitBytes: 256 * MiB,
  nodeOptions: '--max-old-space-size=192',
  scale,
};

const results: BenchResults = {
  generatedAt: '2026-12-03T00:00:00.000Z',
  quick: false,
  machine: { cpus: 2, cpuModel: 'test', memoryBytes: 2 ** 34, node: 'v24', go: 'go1.26' },
  settings: {
    sizes: [1000],
    maxConcurrentReconciles: [1],
    runs: 3,
    cachedObjects: 10_000,
    driverConcurrency: 32,
  },
  sideBySide: {
    converge: [
      ...converge('floor', [1, 2, 3]),
      ...converge('controller-runtime', [5, 4, 6], {
        peakRssBytes: 50 * MiB,
        cpuSecondsPer1000Reconciles: 1,
      }),
      ...converge('spoke', [8, 10, 9], { peakRssBytes: 90 * MiB, cpuSecondsPer1000Reconciles: 1.4 }),
    ],
    memory: [memory('controller-runtime', 40e6, 1200), memory('spoke', 60e6, 2500)],
  },
  memcachedSettings: { sizes: [300], servers: 3, proxies: 2, scaledServers: 5, podsPerNode: 100 },
  memcached: [memcached],
  durationSeconds: 1800,
};

describe('the benchmark report', () => {
  it('judges each target on the medians', () => {
    const verdicts = Object.fromEntries(targetChecks(results).map((c) => [c.target, [c.measured, c.met]]));
    assert.deepEqual(verdicts['converge ≤ 1.0× controller-runtime, N = 1000, 1 worker'], ['1.80×', false]);
    assert.deepEqual(verdicts['CPU per 1000 reconciles ≤ 1.5× controller-runtime, N = 1000, 1 worker'], [
      '1.40×',
      true,
    ]);
    assert.deepEqual(verdicts['peak RSS ≤ 2× controller-runtime, N = 1000, 1 worker'], [
      '1.80× (90 vs 50 MiB)',
      true,
    ]);
    assert.deepEqual(verdicts['idle manager (nothing cached) ≤ 70 MB RSS'], ['60 MB', true]);
    assert.deepEqual(verdicts['heap per cached ~300-byte ConfigMap after GC ≤ 2 KB'], ['2.44 KiB', false]);
    assert.deepEqual(
      verdicts["the memcached manager with 300 Memcached stays inside its Deployment's memory limit"],
      ['peak RSS 300 MiB of 256 MiB', false],
    );
    assert.deepEqual(verdicts["the operator's own share of a scale event ≤ 1 s (300 Memcached)"], [
      '0.45 s',
      true,
    ]);
  });

  it('writes the median and range of each configuration, and its ratios to the floor and controller-runtime', () => {
    const md = renderMarkdown(results);
    assert.match(md, /\| 1000 \| – \| floor \(the driver writes\) \| 2\.00 \[1\.00–3\.00\] \| 1\.00 \|/);
    assert.match(
      md,
      /\| 1000 \| 1 \| controller-runtime \| 5\.00 \[4\.00–6\.00\] \| 2\.50 \| 1\.00 \| 50 \[50–50\] \|/,
    );
    assert.match(md, /\| 1000 \| 1 \| Spoke \| 9\.00 \[8\.00–10\.00\] \| 4\.50 \| 1\.80 \| 90 \[90–90\] \|/);
    assert.match(
      md,
      /\| 300 \| 1500 \| 16 \| 100\.0 \| 120\.0 \| 600: create 300, patch 300 \| 300 \| 256 \|/,
    );
    assert.match(md, /\*\*the operator's share\*\* \| operator \| \*\*0\.450\*\*/);
    assert.match(md, /!\[converge time and peak RSS against N\]\(benchmarks\.svg\)/);
  });

  it('writes the initial-sync section, streaming list against paginated LIST, when the results have it', () => {
    const sync = (
      mode: InitialSyncRun['mode'],
      run: number,
      manager: number,
      apiServer: number,
    ): InitialSyncRun => ({
      mode,
      run,
      objects: 10_000,
      syncSeconds: 2,
      managerPeakRssBytes: manager * MiB,
      apiServerPeakRssBytes: apiServer * MiB,
      listRequests: mode === 'streaming' ? 0 : 20,
      watchRequests: 1,
    });
    const md = renderMarkdown({
      ...results,
      initialSyncSettings: { objects: 10_000, runs: 3 },
      initialSync: [1, 2, 3].flatMap((run) => [
        sync('streaming', run, 100 + run, 400 + run),
        sync('paginated', run, 150 + run, 500 + run),
      ]),
    });
    assert.match(md, /## Initial sync of 10 000 objects: streaming list vs paginated LIST/);
    assert.match(
      md,
      /\| streaming list \| 2\.00 \[2\.00–2\.00\] \| 102 \[101–103\] \| 402 \[401–403\] \| 0 \[0–0\] \|/,
    );
    assert.match(
      md,
      /\| paginated LIST \| 2\.00 \[2\.00–2\.00\] \| 152 \[151–153\] \| 502 \[501–503\] \| 20 \[20–20\] \|/,
    );
    assert.doesNotMatch(renderMarkdown(results), /## Initial sync/);
  });

  it('draws both frameworks in an SVG', async () => {
    const svg = await renderChart(results);
    assert.match(svg, /^<svg /);
    for (const label of ['Spoke', 'controller-runtime', 'converge (s)', 'peak RSS (MiB)'])
      assert.ok(svg.includes(label), label);
  });
});
