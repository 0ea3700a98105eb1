/**
 * A quick driver for profiling the Spoke contender alone (issue 11), outside `make bench`: converge runs of the
 * side-by-side on N ConfigMaps, one JSON line per run.
 *
 *   node test/dist/bench/spoke-converge.js N WORKERS RUNS [CPU_PROFILE_DIR]
 *
 * With CPU_PROFILE_DIR the contender runs under `node --cpu-prof` (slower: for where the time goes, not how much).
 */
import { tmpdir } from 'node:os';
import { convergeRun } from './side-by-side.js';

const [n = '1000', workers = '1', runs = '3', profileDir] = process.argv.slice(2);
// The contender inherits the environment; this process has already started without it.
if (profileDir) process.env['NODE_OPTIONS'] = `--cpu-prof --cpu-prof-dir=${profileDir}`;
const options = {
  sizes: [],
  maxConcurrentReconciles: [],
  runs: 1,
  cachedObjects: 0,
  driverConcurrency: 32,
  controllerRuntimeBinary: '',
  logDir: tmpdir(),
  log: (line: string) => {
    console.error(line);
  },
};
for (let run = 0; run < Number(runs); run++) {
  const r = await convergeRun(options, 'spoke', Number(n), Number(workers), run);
  console.log(
    JSON.stringify({
      workers: Number(workers),
      run,
      convergeSeconds: r.convergeSeconds,
      cpuSecondsPer1000Reconciles: r.cpuSecondsPer1000Reconciles,
      reconciles: r.reconciles,
      p50: r.reconcileP50Seconds,
      p99: r.reconcileP99Seconds,
      loadAverage: r.loadAverage,
    }),
  );
}
