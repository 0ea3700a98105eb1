// `make bench`: the performance figures the issues set targets for, measured on the compiled code.
// Targets live here, not in timed tests: a loaded CI machine must not turn a slow run into a red build.
//   node hack/run-benchmarks.mjs [--runs 3] [--skip-cluster]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ControlPlane } from '@spoke/envtest';
import { RateLimitingQueue } from '@spoke/manager/workqueue';
import { renderProxyConfig } from '@spoke/memcached-operator';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, 'skip-cluster': { type: 'boolean', default: false } },
});
const runs = Number(values.runs);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function report(name, unit, samples, target) {
  const value = median(samples);
  const verdict =
    target === undefined
      ? ''
      : value <= target
        ? `  (target ≤ ${target} ${unit}: met)`
        : `  (target ≤ ${target} ${unit}: MISSED)`;
  console.log(
    `${name.padEnd(48)} ${value.toFixed(2).padStart(10)} ${unit}   [${samples.map((s) => s.toFixed(2)).join(', ')}]${verdict}`,
  );
}

async function timeStart(nodes) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const env = await ControlPlane.start({ nodes });
    samples.push((performance.now() - t0) / 1000);
    await env.stop();
  }
  return samples;
}

if (!values['skip-cluster']) {
  report('envtest warm start, nodes: 0 (etcd + apiserver)', 's', await timeStart(0), 10);
  report('envtest warm start, nodes: 2 (full simulated)', 's', await timeStart(2), 30);
}

// Workqueue: 1000 keys, 100 adds each, drained by one worker — de-duplication makes this 1000 gets.
{
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const queue = new RateLimitingQueue();
    const t0 = performance.now();
    for (let round = 0; round < 100; round++) for (let k = 0; k < 1000; k++) queue.add(`ns/key-${k}`);
    let handed = 0;
    while (queue.len() > 0) {
      const key = await queue.get();
      if (key === undefined) break;
      handed++;
      queue.done(key);
    }
    samples.push(((performance.now() - t0) * 1000) / 100_000);
    if (handed !== 1000) throw new Error(`workqueue handed out ${handed} items for 1000 keys`);
    queue.shutDown();
  }
  report('workqueue: 100k adds over 1000 keys + drain', 'µs/add', samples);
}

// Rendering the proxy config for 100 backends, both engines.
{
  const backends = Array.from({ length: 100 }, (_, i) => ({
    name: `web-${i}`,
    ip: `10.244.0.${i + 1}`,
    port: 11211,
  }));
  for (const [engine, topology] of [
    ['Twemproxy', 'Sharded'],
    ['Mcrouter', 'Replicated'],
  ]) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const n = 2000;
      const t0 = performance.now();
      for (let j = 0; j < n; j++) renderProxyConfig({ engine, topology, backends });
      samples.push(((performance.now() - t0) * 1000) / n);
    }
    report(`render ${engine} ${topology}, 100 backends`, 'µs/op', samples);
  }
}
