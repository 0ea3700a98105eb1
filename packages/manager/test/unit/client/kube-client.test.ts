import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it, mock } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import type { RequestOptions } from '../../../src/client/client.js';
import { KubeClient } from '../../../src/client/kube-client.js';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { defaultRequestTimeoutMs, TimeoutError } from '../../../src/rest/index.js';

/** A loopback TCP listener that accepts every connection, reads every request and never answers one. */
class BlackHole {
  /** Request lines received, e.g. `PATCH /api/v1/namespaces/default/configmaps/web HTTP/1.1`. */
  readonly requests: string[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((socket) => {
    this.sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      const line = chunk.toString('latin1').split('\r\n', 1)[0] ?? '';
      if (/^(GET|POST|PUT|PATCH|DELETE) /.test(line)) this.requests.push(line);
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
    });
    socket.on('error', () => undefined);
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Connections the client still holds open. */
  get open(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}

function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'hole', server, skipTLSVerify: true }],
    users: [{ name: 'hole' }],
    contexts: [{ name: 'hole', cluster: 'hole', user: 'hole' }],
    currentContext: 'hole',
  });
  return kc;
}

const key = { namespace: 'default', name: 'web' };
const cm: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...key, resourceVersion: '1' } };
const merge = { type: 'merge', body: { data: { a: '1' } } } as const;

/** Every Client method that sends a request, called with `options`. */
const methods: readonly [string, (client: KubeClient, options: RequestOptions) => Promise<unknown>][] = [
  ['get (uncached)', (c, o) => c.get(ConfigMap, key, { ...o, uncached: true })],
  ['list (uncached)', (c, o) => c.list(ConfigMap, { ...o, uncached: true, namespace: 'default' })],
  ['create', (c, o) => c.create(ConfigMap, cm, o)],
  ['update', (c, o) => c.update(ConfigMap, cm, o)],
  ['patch', (c, o) => c.patch(ConfigMap, key, merge, o)],
  ['apply', (c, o) => c.apply(ConfigMap, cm, { ...o, fieldManager: 'test' })],
  ['delete', (c, o) => c.delete(ConfigMap, key, o)],
  ['status.update', (c, o) => c.status.update(ConfigMap, cm, o)],
  ['status.patch', (c, o) => c.status.patch(ConfigMap, key, merge, o)],
];

type Outcome = { readonly rejected: unknown; readonly afterMs: number } | 'pending';

/** How `p` settles within `ms` of real time: rejected (with what, after how long), or still pending. */
async function within(p: Promise<unknown>, ms: number): Promise<Outcome> {
  const started = performance.now();
  const guard = new AbortController();
  try {
    return await Promise.race([
      p.then(
        (value: unknown) => ({ rejected: new Error(`resolved with ${JSON.stringify(value)}`), afterMs: 0 }),
        (err: unknown) => ({ rejected: err, afterMs: performance.now() - started }),
      ),
      sleep(ms, 'pending' as const, { signal: guard.signal }),
    ]);
  } finally {
    guard.abort();
  }
}

async function untilReceived(hole: BlackHole, count: number): Promise<void> {
  const deadline = performance.now() + 5000;
  while (hole.requests.length < count) {
    if (performance.now() > deadline) throw new Error(`the server received ${hole.requests.length} requests`);
    await sleep(2);
  }
}

describe('KubeClient: every request carries an abort signal and a deadline', () => {
  let hole: BlackHole;
  let server: string;
  before(async () => {
    hole = new BlackHole();
    server = await hole.listen();
  });
  after(async () => {
    await hole.close();
  });

  it("the caller's signal aborts each request in flight, rejecting with the signal's reason", async () => {
    const client = new KubeClient({ kubeConfig: kubeConfigFor(server) });
    for (const [name, send] of methods) {
      const call = new AbortController();
      const sent = hole.requests.length;
      const reason = new Error(`stop ${name}`);
      const p = send(client, { signal: call.signal });
      await untilReceived(hole, sent + 1);
      call.abort(reason);
      const outcome = await within(p, 1000);
      assert.notEqual(outcome, 'pending', `${name}: still waiting 1 s after its signal aborted`);
      assert.equal(outcome !== 'pending' && outcome.rejected, reason, `${name}: rejected with another error`);
    }
    const deadline = performance.now() + 2000;
    while (hole.open > 0 && performance.now() < deadline) await sleep(5);
    assert.equal(hole.open, 0, 'an aborted request leaves its connection open');
  });

  it('requestTimeoutMs gives up on each request that gets no answer, with a TimeoutError naming it', async () => {
    const client = new KubeClient({ kubeConfig: kubeConfigFor(server), requestTimeoutMs: 200 });
    const pending = methods.map(([name, send]) => [name, within(send(client, {}), 3000)] as const);
    for (const [name, outcome] of pending) {
      const o = await outcome;
      assert.notEqual(o, 'pending', `${name}: still waiting 3 s into a 200 ms deadline`);
      if (o === 'pending') continue;
      assert.ok(o.rejected instanceof TimeoutError, `${name}: ${String(o.rejected)}`);
      assert.match(o.rejected.message, /no response within 200 ms/);
      assert.ok(o.afterMs >= 190, `${name}: gave up after ${o.afterMs.toFixed(0)} ms`);
    }
  });

  it('a per-request timeoutMs overrides the client default', async () => {
    const client = new KubeClient({ kubeConfig: kubeConfigFor(server), requestTimeoutMs: 60_000 });
    const o = await within(client.patch(ConfigMap, key, merge, { timeoutMs: 150 }), 3000);
    assert.ok(
      o !== 'pending' && o.rejected instanceof TimeoutError,
      String(o === 'pending' ? o : o.rejected),
    );
  });

  it(`without any timeout option a request gives up after defaultRequestTimeoutMs (${defaultRequestTimeoutMs} ms)`, async (t) => {
    t.after(() => {
      mock.timers.reset();
    });
    assert.equal(defaultRequestTimeoutMs, 30_000);
    const client = new KubeClient({ kubeConfig: kubeConfigFor(server) });
    mock.timers.enable({ apis: ['setTimeout'] });
    const sent = hole.requests.length;
    const p = client.patch(ConfigMap, key, merge);
    await untilReceived(hole, sent + 1);
    mock.timers.tick(defaultRequestTimeoutMs - 1);
    assert.equal(await within(p, 100), 'pending', 'gave up before the default deadline');
    mock.timers.tick(1);
    const o = await within(p, 1000);
    assert.ok(o !== 'pending' && o.rejected instanceof TimeoutError, 'no deadline by default');
  });
});
