/**
 * The Spoke contender of `make bench`: the tutorial's SecretMirrorController (examples/secret-mirror) in a manager
 * configured as its controller-runtime twin (test/bench/controller-runtime-mirror/main.go) is:
 *
 *   node --expose-gc spoke-mirror-main.js --kubeconfig FILE --metrics-bind-address 127.0.0.1:P
 *       --debug-bind-address 127.0.0.1:Q [--max-concurrent-reconciles 1] [--streaming-list]
 *
 * The debug endpoint is the benchmark's only addition, here and not in the framework: GET /debug/state says whether
 * the informers have synced and how many ConfigMaps are cached (`?namespace=NS`: in that namespace); GET /debug/heap forces a full garbage collection
 * (hence --expose-gc) and reports the live heap.
 */
import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';
import {
  ConfigMap,
  Controller,
  Manager,
  getControllerMetadata,
  loadKubeConfig,
  newLogger,
} from '@spoke/manager';
import { SecretMirrorController } from '@spoke/secret-mirror';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'metrics-bind-address': { type: 'string', default: '0' },
    'debug-bind-address': { type: 'string' },
    'max-concurrent-reconciles': { type: 'string', default: '1' },
    // The initial-sync section compares the two ways to sync; the other sections use the default.
    'streaming-list': { type: 'boolean', default: false },
  },
});
const maxConcurrentReconciles = Number(values['max-concurrent-reconciles']);
const metadata = getControllerMetadata(SecretMirrorController);
if (!metadata) throw new Error('SecretMirrorController is not a @Controller');

// The tutorial's controller as it is, with only its worker count taken from the flag (controller-runtime's
// WithOptions(controller.Options{MaxConcurrentReconciles})): a subclass declared with the same options.
const BenchSecretMirror = Controller({ ...metadata, maxConcurrentReconciles })(
  class extends SecretMirrorController {},
);

// Spoke's own loader, as the tutorial's main.ts (Manager.create's default): client-node is never loaded.
const kubeConfig = loadKubeConfig(values.kubeconfig);

const manager = Manager.create({
  name: 'secret-mirror',
  kubeConfig,
  logger: newLogger({ level: 'info' }),
  metricsBindAddress: values['metrics-bind-address'],
  healthProbeBindAddress: '0',
  ...(values['streaming-list'] ? { cache: { streamingList: true } } : {}),
});
manager.register(BenchSecretMirror);

const debugAddress = values['debug-bind-address'];
let debugServer: Server | undefined;
if (debugAddress) {
  const [host, port] = [debugAddress.slice(0, debugAddress.lastIndexOf(':')), debugAddress.split(':').pop()];
  const gc = (globalThis as { gc?: () => void }).gc;
  debugServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let body: object;
    if (url.pathname === '/debug/state') {
      const synced = manager.hasSynced;
      // The controller's own informer (the cache has one per kind); keys only, no copies.
      const prefix = `${url.searchParams.get('namespace') ?? ''}/`;
      const keys = synced ? manager.cache.informerFor(ConfigMap).store.keys() : [];
      const cached = synced ? keys.filter((k) => prefix === '/' || k.startsWith(prefix)).length : -1;
      body = { synced, cachedConfigMaps: cached };
    } else if (url.pathname === '/debug/heap') {
      if (!gc) throw new Error('start node with --expose-gc');
      gc();
      const memory = process.memoryUsage();
      body = {
        heapBytes: memory.heapUsed,
        externalBytes: memory.external,
        arrayBufferBytes: memory.arrayBuffers,
      };
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }).listen(Number(port), host);
}

await manager.start(Manager.setupSignalHandler());
// The manager has shut down; the debug server must not keep the process alive.
debugServer?.closeAllConnections();
debugServer?.close();
