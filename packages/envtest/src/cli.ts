#!/usr/bin/env node
// Starts a simulated cluster in the foreground for trying things by hand (`make cluster`), prints how to point
// kubectl at it, and tears it down on Ctrl-C or SIGTERM.
//
//   node packages/envtest/dist/src/cli.js [--nodes 2] [--crd config/crd/bases]... [--assets DIR]
import { parseArgs } from 'node:util';
import { ControlPlane } from './control-plane.js';

const usage = 'usage: cli.js [--nodes N (default 2)] [--crd PATH]... [--assets DIR] [--start-timeout-ms MS]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '2' },
      crd: { type: 'string', multiple: true, default: [] },
      assets: { type: 'string' },
      'start-timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 0)
    throw new Error(`--nodes must be a whole number ≥ 0, not ${values.nodes}\n${usage}`);

  const started = Date.now();
  console.error(`envtest: starting a control plane with ${nodes} kwok node(s)...`);
  const env = await ControlPlane.start({
    nodes,
    crdPaths: values.crd,
    assetsDir: values.assets,
    startTimeoutMs: values['start-timeout-ms'] === undefined ? undefined : Number(values['start-timeout-ms']),
  });
  // Signal handlers do not keep node running; this does, until stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    console.error(`\nenvtest: ${signal}: stopping...`);
    env.stop().then(
      () => {
        console.error('envtest: stopped, nothing left behind');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`envtest: stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });

  console.error(`envtest: ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${env.server}`);
  for (const c of env.components)
    console.error(`  ${c.name.padEnd(24)} pid ${String(c.pid).padEnd(8)} log ${c.logPath}`);
  if (env.nodeNames.length > 0) console.error(`  nodes: ${env.nodeNames.join(', ')}`);
  console.error('Point kubectl at it (Ctrl-C here tears it down):');
  // The one line on stdout, so `eval "$(... | head -1)"` style use works.
  console.log(`export KUBECONFIG=${env.kubeconfigPath}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
