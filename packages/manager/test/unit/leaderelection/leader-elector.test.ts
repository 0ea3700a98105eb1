import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector } from '../../../src/leaderelection/leader-elector.js';
import { FakeClock } from '../../../src/testing/index.js';

/** A one-Lease API server: GET, POST, PUT with resourceVersion compare-and-swap; `failing` makes it answer 500 late. */
class FakeLeaseServer {
  lease: Record<string, unknown> | undefined;
  rv = 0;
  failing = false;
  failDelayMs = 0;
  /** Hold the next PUT, and apply it only right after the next GET is answered (a renewal racing a release). */
  holdNextPut = false;
  putHeld = false;
  private applyHeld: (() => void) | undefined;
  /** When (performance.now()) each successful PUT/POST was answered. */
  readonly writes: number[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The lease's holder ('' when released, undefined when there is no lease). */
  holder(): string | undefined {
    return (this.lease as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity;
  }

  /** Another replica writes itself into the lease, announcing `leaseDurationSeconds`. */
  takeOver(holderIdentity: string, leaseDurationSeconds: number): void {
    const current = this.lease as { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
    this.lease = {
      ...current,
      metadata: { ...current.metadata, resourceVersion: String(++this.rv) },
      spec: { ...current.spec, holderIdentity, leaseDurationSeconds, renewTime: new Date().toISOString() },
    };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string) => {
      send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: reason });
    };
    if (this.failing) {
      await sleep(this.failDelayMs);
      status(500, 'InternalError');
      return;
    }
    if (req.method === 'GET') {
      if (!this.lease) status(404, 'NotFound');
      else send(200, this.lease);
      const apply = this.applyHeld;
      this.applyHeld = undefined;
      apply?.();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> & {
      metadata?: Record<string, unknown>;
    };
    if (req.method === 'POST') {
      if (this.lease) {
        status(409, 'AlreadyExists');
        return;
      }
    } else if (req.method === 'PUT') {
      if (this.holdNextPut) {
        this.holdNextPut = false;
        this.putHeld = true;
        await new Promise<void>((resolve) => (this.applyHeld = resolve));
      }
      if (!this.lease) {
        status(404, 'NotFound');
        return;
      }
      const current = (this.lease.metadata as { resourceVersion: string }).resourceVersion;
      if (body.metadata?.resourceVersion !== current) {
        status(409, 'Conflict');
        return;
      }
    }
    this.lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.rv) } };
    this.writes.push(performance.now());
    send(req.method === 'POST' ? 201 : 200, this.lease);
  }
}

function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'fake' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
  return kc;
}

/** Polls `condition` in real time (the elector talks to a real HTTP server) until it holds. */
async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/**
 * Lets fake time pass in `tickMs` steps while `going()` holds, up to `limitMs` of it, each step only once the
 * elector sleeps on the clock (no request in flight); returns the monotonic time at which `going()` stopped holding.
 */
async function advance(
  clock: FakeClock,
  going: () => boolean,
  limitMs: number,
  tickMs = 50,
): Promise<number> {
  const end = clock.monotonicNow() + limitMs;
  while (going() && clock.monotonicNow() < end) {
    await until('the elector to sleep', () => clock.pendingTimers > 0 || !going());
    if (going()) clock.step(tickMs);
  }
  return clock.monotonicNow();
}

const hour = 3_600_000;

describe('LeaderElector', () => {
  let fake: FakeLeaseServer;
  let url: string;
  before(async () => {
    fake = new FakeLeaseServer();
    url = await fake.listen();
  });
  after(async () => {
    await fake.close();
  });

  it('stops leading within renewDeadline of the last successful renewal, even when a failed attempt ends just before it', async () => {
    fake.lease = undefined;
    fake.failing = false;
    fake.writes.length = 0;
    const leaseDurationMs = 1500;
    const renewDeadlineMs = 1000;
    const retryPeriodMs = 600;
    let started: (() => void) | undefined;
    const startedP = new Promise<void>((resolve) => (started = resolve));
    let stoppedAt: number | undefined;
    const elector = new LeaderElector({
      kubeConfig: kubeConfigFor(url),
      namespace: 'ns',
      name: 'deadline',
      identity: 'a',
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
      callbacks: {
        onStartedLeading: () => started?.(),
        onStoppedLeading: () => {
          stoppedAt ??= performance.now();
        },
      },
    });
    const stop = new AbortController();
    const running = elector.run(stop.signal);
    try {
      await startedP;
      // Let one renewal succeed, then fail every request, each answer arriving after 300 ms.
      while (fake.writes.length < 2) await sleep(10);
      fake.failDelayMs = 300;
      fake.failing = true;
      const lastRenewal = fake.writes.at(-1) ?? 0;
      while (stoppedAt === undefined && performance.now() - lastRenewal < leaseDurationMs + 1500)
        await sleep(10);
      assert.ok(stoppedAt !== undefined, 'leadership never given up');
      const gap = stoppedAt - lastRenewal;
      // Others may acquire leaseDuration after they saw that renewal; the leader must be gone by renewDeadline.
      assert.ok(gap <= renewDeadlineMs + 250, `stopped leading ${Math.round(gap)} ms after the last renewal`);
    } finally {
      stop.abort();
      await running;
    }
  });
  it("honours the holder's leaseDurationSeconds, not its own leaseDuration, when judging expiry", async () => {
    // Another replica holds the lease and announced 3 s; nobody renews it. A candidate configured with 1 s must
    // wait out the holder's 3 s (from its own first observation), as client-go's isLeaseValid.
    fake.failing = false;
    fake.writes.length = 0;
    fake.lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace: 'ns', name: 'foreign', resourceVersion: String(++fake.rv) },
      spec: {
        holderIdentity: 'other',
        leaseDurationSeconds: 3,
        acquireTime: '2020-01-01T00:00:00.000000Z',
        renewTime: '2020-01-01T00:00:00.000000Z',
        leaseTransitions: 4,
      },
    };
    const t0 = performance.now();
    let startedAt: number | undefined;
    const elector = new LeaderElector({
      kubeConfig: kubeConfigFor(url),
      namespace: 'ns',
      name: 'foreign',
      identity: 'a',
      leaseDurationMs: 1000,
      renewDeadlineMs: 700,
      retryPeriodMs: 250,
      callbacks: {
        onStartedLeading: () => {
          startedAt ??= performance.now();
        },
        onStoppedLeading: () => undefined,
      },
    });
    const stop = new AbortController();
    const running = elector.run(stop.signal);
    try {
      while (startedAt === undefined && performance.now() - t0 < 5000) await sleep(10);
      assert.ok(startedAt !== undefined, 'never acquired the expired lease');
      const waited = startedAt - t0;
      assert.ok(
        waited >= 3000,
        `acquired a lease the holder announced for 3 s after ${Math.round(waited)} ms`,
      );
      const spec = (fake.lease as { spec: { holderIdentity: string; leaseTransitions: number } }).spec;
      assert.equal(spec.holderIdentity, 'a');
      assert.equal(spec.leaseTransitions, 5);
    } finally {
      stop.abort();
      await running;
    }
  });
  it('returns from run() after losing the lease and never acquires it again in that run (client-go Run)', async () => {
    fake.failing = false;
    fake.lease = undefined;
    fake.writes.length = 0;
    let startedCount = 0;
    let stoppedCount = 0;
    let started: (() => void) | undefined;
    const startedP = new Promise<void>((resolve) => (started = resolve));
    const elector = new LeaderElector({
      kubeConfig: kubeConfigFor(url),
      namespace: 'ns',
      name: 'once',
      identity: 'a',
      leaseDurationMs: 1000,
      renewDeadlineMs: 700,
      retryPeriodMs: 100,
      callbacks: {
        onStartedLeading: () => {
          startedCount++;
          started?.();
        },
        onStoppedLeading: () => {
          stoppedCount++;
        },
      },
    });
    const stop = new AbortController();
    const running = elector.run(stop.signal);
    try {
      await startedP;
      // Another replica takes the lease for 1 s and never renews it: it is free to take again soon after.
      fake.takeOver('other', 1);
      const returned = await Promise.race([running.then(() => true), sleep(4000).then(() => false)]);
      assert.ok(returned, 'run() still campaigning 4 s after the loss (the lease expired 1 s after it)');
      assert.equal(startedCount, 1, 'acquired the lease again after losing it');
      assert.equal(stoppedCount, 1);
      assert.equal(elector.isLeader(), false);
      assert.equal(fake.holder(), 'other', 'the lease stays with the replica that took it');
    } finally {
      stop.abort();
      await running;
    }
  });
  it("a forward step of the wall clock does not shorten another holder's lease", async () => {
    fake.failing = false;
    fake.writes.length = 0;
    fake.lease = undefined;
    fake.lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace: 'ns', name: 'jump-forward', resourceVersion: String(++fake.rv) },
      spec: { holderIdentity: 'other', leaseDurationSeconds: 10, leaseTransitions: 0 },
    };
    const clock = new FakeClock();
    let acquiredAt: number | undefined;
    const elector = new LeaderElector({
      kubeConfig: kubeConfigFor(url),
      namespace: 'ns',
      name: 'jump-forward',
      identity: 'a',
      leaseDurationMs: 3000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 500,
      clock,
      callbacks: {
        onStartedLeading: () => {
          acquiredAt ??= clock.monotonicNow();
        },
        onStoppedLeading: () => undefined,
      },
    });
    const stop = new AbortController();
    const running = elector.run(stop.signal);
    try {
      // It saw the lease held at monotonic time 0; now the wall clock leaps an hour ahead.
      await until('the first attempt', () => clock.pendingTimers > 0);
      clock.jumpWall(hour);
      await advance(clock, () => acquiredAt === undefined, 15_000);
      assert.ok(acquiredAt !== undefined, 'never acquired the expired lease');
      assert.ok(
        acquiredAt >= 10_000,
        `took a lease announced for 10 s after ${acquiredAt} ms: the wall-clock step shortened it`,
      );
      const renewTime = (fake.lease as { spec: { renewTime: string } }).spec.renewTime;
      assert.ok(
        Math.abs(Date.parse(renewTime) - clock.now()) < 1000,
        `renewTime ${renewTime} is not the wall clock's time`,
      );
    } finally {
      stop.abort();
      await running;
    }
  });

  it('a backward step of the wall clock does not stretch the renew deadline', async () => {
    fake.failing = false;
    fake.failDelayMs = 0;
    fake.writes.length = 0;
    fake.lease = undefined;
    const clock = new FakeClock();
    let leading = false;
    let lastRenewal = 0;
    const renewDeadlineMs = 2000;
    const elector = new LeaderElector({
      kubeConfig: kubeConfigFor(url),
      namespace: 'ns',
      name: 'jump-back',
      identity: 'a',
      leaseDurationMs: 3000,
      renewDeadlineMs,
      retryPeriodMs: 500,
      clock,
      callbacks: {
        onStartedLeading: () => {
          leading = true;
        },
        onStoppedLeading: () => {
          leading = false;
        },
      },
    });
    const stop = new AbortController();
    const running = elector.run(stop.signal);
    try {
      await until('leadership', () => leading);
      // One renewal succeeds; then every request fails and the wall clock falls back an hour.
      const renewals = fake.writes.length;
      await advance(clock, () => fake.writes.length === renewals, 2000);
      assert.ok(fake.writes.length > renewals, 'no renewal succeeded');
      lastRenewal = clock.monotonicNow();
      fake.failing = true;
      clock.jumpWall(-hour);
      const stoppedAt = await advance(clock, () => leading, 10_000);
      assert.equal(
        leading,
        false,
        'still leading 10 s after the last renewal: the step stretched the deadline',
      );
      assert.ok(
        stoppedAt - lastRenewal <= renewDeadlineMs + 50,
        `gave up ${stoppedAt - lastRenewal} ms after the last renewal`,
      );
    } finally {
      fake.failing = false;
      stop.abort();
      await running;
    }
  });
  it('releases on cancel even when an aborted renewal lands between its read and its write (retries the conflict)', async () => {
    fake.failing = false;
    fake.lease = undefined;
    fake.writes.length = 0;
    let started: (() => void) | undefined;
    const startedP = new Promise<void>((resolve) => (started = resolve));
    const elector = new LeaderElector({
      kubeConfig: kubeConfigFor(url),
      namespace: 'ns',
      name: 'release',
      identity: 'a',
      leaseDurationMs: 1000,
      renewDeadlineMs: 700,
      retryPeriodMs: 250,
      releaseOnCancel: true,
      callbacks: { onStartedLeading: () => started?.(), onStoppedLeading: () => undefined },
    });
    const stop = new AbortController();
    const running = elector.run(stop.signal);
    await startedP;
    fake.holdNextPut = true;
    while (!fake.putHeld) await sleep(5);
    // The renewal's PUT reached the server; stop now: the server applies it after answering the release's GET.
    stop.abort();
    await running;
    const spec = (fake.lease as { spec: { holderIdentity: string } } | undefined)?.spec;
    assert.equal(spec?.holderIdentity, '', 'the lease was released');
  });
});
