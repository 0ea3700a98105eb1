import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProxyConfigFileName, renderProxyConfig } from '../../src/proxy/index.js';
import { freePorts } from '@spoke/envtest';
import { LocalProcess, requireBinary } from '../support/local-process.js';
import { MemcachedTextClient } from '../support/memcached-text-client.js';

/** A memcached server on loopback, named as the StatefulSet would name its pod. */
interface Server {
  readonly name: string;
  readonly port: number;
  readonly client: MemcachedTextClient;
}

const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
const processes: LocalProcess[] = [];
const clients: MemcachedTextClient[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'spoke-data-path-'));

async function startServer(name: string): Promise<Server> {
  const { port } = await freePorts(['port']);
  // memcached refuses to run as root unless told which user to become.
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  processes.push(
    await LocalProcess.start(
      name,
      'memcached',
      ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16', ...asUser],
      port,
    ),
  );
  const client = await MemcachedTextClient.connect(port);
  clients.push(client);
  return { name, port, client };
}

/** Starts nutcracker on the config the operator renders for these servers; returns a client connected to it. */
async function startProxy(servers: readonly Server[]): Promise<MemcachedTextClient> {
  const { port, statsPort } = await freePorts(['port', 'statsPort']);
  const config = renderProxyConfig({
    engine: 'Twemproxy',
    topology: 'Sharded',
    backends: servers.map((s) => ({ name: s.name, ip: '127.0.0.1', port: s.port })),
    listen: { host: '127.0.0.1', port },
  });
  const file = join(workDir, `${config.hash}-${ProxyConfigFileName.Twemproxy}`);
  writeFileSync(file, config.data[ProxyConfigFileName.Twemproxy] ?? '');
  const args = ['-c', file, '-s', String(statsPort), '-a', '127.0.0.1'];
  processes.push(await LocalProcess.start('nutcracker', 'nutcracker', args, port));
  const client = await MemcachedTextClient.connect(port);
  clients.push(client);
  return client;
}

/** Empties every server, then writes every key through the proxy. */
async function writeAllThrough(proxy: MemcachedTextClient, servers: readonly Server[]): Promise<void> {
  for (const s of servers) await s.client.flushAll();
  for (const key of keys) await proxy.set(key, `value of ${key}`);
}

/** Which server holds each key, asked of each server directly. */
async function placement(servers: readonly Server[]): Promise<Map<string, string>> {
  const where = new Map<string, string>();
  for (const s of servers) {
    for (const key of keys) if ((await s.client.get(key)) !== undefined) where.set(key, s.name);
  }
  return where;
}

describe('data path: real twemproxy and memcached on loopback, configured by the operator’s renderer', () => {
  let servers: Server[] = [];
  let firstPlacement = new Map<string, string>();

  before(async () => {
    requireBinary('memcached');
    requireBinary('nutcracker');
    servers = [await startServer('web-0'), await startServer('web-1'), await startServer('web-2')];
  });

  after(async () => {
    for (const c of clients) c.close();
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(workDir, { recursive: true, force: true });
  });

  it('stores 1000 keys through the proxy, reads each one back, and gives every server a share', async (t) => {
    const proxy = await startProxy(servers);
    await writeAllThrough(proxy, servers);
    for (const key of keys) assert.equal(await proxy.get(key), `value of ${key}`, key);

    const items = await Promise.all(
      servers.map(async (s) => Number((await s.client.stats()).get('curr_items'))),
    );
    assert.equal(
      items.reduce((a, b) => a + b, 0),
      keys.length,
      'each key is on exactly one server',
    );
    // Ketama with 160 points per server: each of 3 holds about a third; 20% guards against a degenerate ring.
    for (const [i, n] of items.entries())
      assert.ok(n >= keys.length * 0.2, `${servers[i]?.name} holds ${n} of ${keys.length}`);
    t.diagnostic(`items per server: ${servers.map((s, i) => `${s.name}=${items[i]}`).join(' ')}`);
    firstPlacement = await placement(servers);
    assert.equal(firstPlacement.size, keys.length);
  });

  it('keeps every key on the same server when a pod comes back under its name at a new address', async () => {
    // web-1 is recreated: same pod name, new address (here a new port; in the cluster a new IP).
    const restarted = await startServer('web-1');
    const [first, old, third] = servers;
    assert.ok(first && old && third);
    servers = [first, restarted, third];
    await processes.find((p) => p.name === 'web-1')?.stop();
    old.client.close();

    const proxy = await startProxy(servers);
    await writeAllThrough(proxy, servers);
    assert.deepEqual(await placement(servers), firstPlacement);
  });

  it('moves about a quarter of the keys, all of them to the new server, when a fourth server joins', async (t) => {
    servers = [...servers, await startServer('web-3')];
    const proxy = await startProxy(servers);
    await writeAllThrough(proxy, servers);
    const secondPlacement = await placement(servers);

    const moved = keys.filter((k) => secondPlacement.get(k) !== firstPlacement.get(k));
    const stayed = keys.length - moved.length;
    t.diagnostic(`${stayed} of ${keys.length} keys stayed on their server; ${moved.length} moved to web-3`);
    assert.ok(
      stayed >= keys.length * 0.65 && stayed <= keys.length * 0.85,
      `${stayed} of ${keys.length} keys stayed (expected about 3/4)`,
    );
    for (const key of moved)
      assert.equal(secondPlacement.get(key), 'web-3', `${key} moved between old servers`);
  });
});
