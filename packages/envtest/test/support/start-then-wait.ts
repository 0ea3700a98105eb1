// A test process that starts a control plane, prints its directory and component pids as one JSON line, and
// never calls stop(): with `wait` it waits to be killed, with `exit` it simply ends once its stdin closes (so the
// parent can look at the running control plane first).
//   node start-then-wait.js <nodes> <wait|exit>
import { ControlPlane } from '../../src/index.js';

const env = await ControlPlane.start({ nodes: Number(process.argv[2] ?? '0') });
process.stdout.write(`${JSON.stringify({ dir: env.dir, pids: env.components.map((c) => c.pid) })}\n`);
if (process.argv[3] === 'exit') process.stdin.resume();
else setInterval(() => undefined, 60_000);
