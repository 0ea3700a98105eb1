/**
 * `make bench`'s side-by-side part (hack/run-benchmarks.mjs calls {@link main}): builds the controller-runtime
 * contender, runs the secret-mirror comparison and the memcached operator at scale, and writes the results file,
 * the Markdown table and the chart.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { renderChart, renderMarkdown, type BenchResults } from './report.js';
import { runMemcachedAtScale } from './memcached-at-scale.js';
import { runSideBySide } from './side-by-side.js';
import { runInitialSync } from './initial-sync.js';

export interface BenchOptions {
  /** N = 200, one run, 1000 objects cached: to develop the harness, not to quote. */
  readonly quick: boolean;
  /** Where the results go: docs/ for a full run, a temporary directory for a quick one. */
  readonly outDir?: string;
}

// Compiled to test/dist/bench/main.js.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function log(line: string): void {
  console.error(`[bench] ${line}`);
}

/** Writes the Markdown table and the chart of a results file again (after a change to the report only). */
export async function render(resultsPath: string): Promise<string> {
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResults;
  const markdown = renderMarkdown(results);
  writeFileSync(join(dirname(resultsPath), 'benchmarks.md'), markdown);
  writeFileSync(join(dirname(resultsPath), 'benchmarks.svg'), await renderChart(results));
  return markdown;
}

/** Runs the benchmark and returns the Markdown table it wrote. */
export async function main(options: BenchOptions): Promise<string> {
  const started = performance.now();
  const logDir = mkdtempSync(join(tmpdir(), 'spoke-bench-logs-'));
  const controllerRuntimeBinary = execFileSync(
    join(repoRoot, 'test/bench/controller-runtime-mirror/build.sh'),
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  ).trim();

  const settings = options.quick
    ? { sizes: [200], maxConcurrentReconciles: [1, 4], runs: 1, cachedObjects: 1000, driverConcurrency: 32 }
    : {
        sizes: [1000, 5000],
        maxConcurrentReconciles: [1, 4],
        runs: 3,
        cachedObjects: 10_000,
        driverConcurrency: 32,
      };
  log(`side by side: ${JSON.stringify(settings)}; logs in ${logDir}`);
  const sideBySide = await runSideBySide({ ...settings, controllerRuntimeBinary, logDir, log });
  // The sample's shape: 3 servers and 2 proxies per Memcached, one scaled to 5. One run per size: 300 take minutes.
  const memcachedSettings = {
    sizes: options.quick ? [10] : [100, 300],
    servers: 3,
    proxies: 2,
    scaledServers: 5,
    podsPerNode: 100,
  };
  // The seed's warning ("some GETs could be X00MB of data"): the memory of each way to sync a large kind.
  const initialSyncSettings = { objects: options.quick ? 1000 : 10_000, runs: settings.runs };
  log(`initial sync: ${JSON.stringify(initialSyncSettings)}`);
  const initialSync = await runInitialSync({
    ...initialSyncSettings,
    driverConcurrency: settings.driverConcurrency,
    controllerRuntimeBinary,
    logDir,
    log,
  });
  log(`memcached at scale: ${JSON.stringify(memcachedSettings)}`);
  const memcached = await runMemcachedAtScale({ ...memcachedSettings, logDir, log });

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    quick: options.quick,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      node: process.version,
      go: execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim(),
    },
    settings,
    sideBySide,
    memcachedSettings,
    memcached,
    initialSyncSettings,
    initialSync,
    durationSeconds: (performance.now() - started) / 1000,
  };
  const markdown = renderMarkdown(results);
  const outDir =
    options.outDir ??
    (options.quick ? mkdtempSync(join(tmpdir(), 'spoke-bench-quick-')) : join(repoRoot, 'docs'));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'benchmarks.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'benchmarks.md'), markdown);
  writeFileSync(join(outDir, 'benchmarks.svg'), await renderChart(results));
  log(`results in ${outDir}/benchmarks.{json,md,svg} after ${results.durationSeconds.toFixed(0)} s`);
  return markdown;
}
