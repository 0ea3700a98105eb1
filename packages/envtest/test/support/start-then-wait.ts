// A test process that starts a control plane, prints its directory and component pids as one JSON line, and
// then waits to be killed, never calling stop(). Used to test that nothing outlives a SIGKILLed test process.
import { ControlPlane } from '../../src/index.js';

const env = await ControlPlane.start({ nodes: Number(process.argv[2] ?? '0') });
process.stdout.write(`${JSON.stringify({ dir: env.dir, pids: env.components.map((c) => c.pid) })}\n`);
setInterval(() => undefined, 60_000);
