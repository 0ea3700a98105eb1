import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  configHash,
  NoServerPlaceholder,
  proxyConfigMapName,
  renderProxyConfig,
  sortBackends,
  type Backend,
} from '../../../src/proxy/index.js';
import { assertGolden } from '../golden.js';

const web = (ordinal: number, ip: string): Backend => ({ name: `web-${ordinal}`, ip, port: 11211 });
const three = [web(0, '10.244.1.10'), web(1, '10.244.2.11'), web(2, '10.244.1.12')];

/** Every ordering of a list: the renderer must not care how the endpoints arrived. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('renderProxyConfig', () => {
  it('renders twemproxy Sharded as ketama over fnv1a_64 with the pod names as server names', () => {
    const config = renderProxyConfig({ engine: 'Twemproxy', topology: 'Sharded', backends: three });
    assert.deepEqual(Object.keys(config.data), ['nutcracker.yml']);
    assertGolden('twemproxy-sharded.yml.golden', config.data['nutcracker.yml'] ?? '');
  });

  it('renders mcrouter Sharded as a PoolRoute over one pool in ordinal order', () => {
    const config = renderProxyConfig({ engine: 'Mcrouter', topology: 'Sharded', backends: three });
    assert.deepEqual(Object.keys(config.data), ['mcrouter.json']);
    assertGolden('mcrouter-sharded.json.golden', config.data['mcrouter.json'] ?? '');
  });

  it('renders mcrouter Replicated as AllSyncRoute writes and LatestRoute reads', () => {
    const config = renderProxyConfig({ engine: 'Mcrouter', topology: 'Replicated', backends: three });
    const text = config.data['mcrouter.json'] ?? '';
    assertGolden('mcrouter-replicated.json.golden', text);
    const parsed = JSON.parse(text) as {
      route: { type: string; default_policy: string; operation_policies: { get: { type: string } } };
    };
    assert.equal(parsed.route.type, 'OperationSelectorRoute');
    assert.equal(parsed.route.default_policy, 'AllSyncRoute|Pool|memcached');
    assert.equal(parsed.route.operation_policies.get.type, 'LatestRoute');
  });

  it('refuses twemproxy with Replicated, which it cannot serve', () => {
    assert.throws(
      () => renderProxyConfig({ engine: 'Twemproxy', topology: 'Replicated', backends: three }),
      /cannot serve topology Replicated/,
    );
  });

  it('renders a startable twemproxy config when no server is ready', () => {
    const config = renderProxyConfig({ engine: 'Twemproxy', topology: 'Sharded', backends: [] });
    assert.match(config.data['nutcracker.yml'] ?? '', new RegExp(`- ${NoServerPlaceholder}\n$`));
  });

  for (const [engine, topology] of [
    ['Twemproxy', 'Sharded'],
    ['Mcrouter', 'Sharded'],
    ['Mcrouter', 'Replicated'],
  ] as const) {
    it(`gives byte-identical ${engine} ${topology} config and hash for the same backends in any order`, () => {
      const configs = permutations(three).map((backends) =>
        renderProxyConfig({ engine, topology, backends }),
      );
      const first = configs[0];
      assert.ok(first);
      for (const config of configs) {
        assert.deepEqual(config.data, first.data);
        assert.equal(config.hash, first.hash);
      }
    });
  }

  it('keeps a restarted pod in its place: a new IP changes the address on the same named line', () => {
    const before = renderProxyConfig({ engine: 'Twemproxy', topology: 'Sharded', backends: three });
    const after = renderProxyConfig({
      engine: 'Twemproxy',
      topology: 'Sharded',
      backends: [web(0, '10.244.1.10'), web(1, '10.244.1.99'), web(2, '10.244.1.12')],
    });
    assert.notEqual(after.hash, before.hash);
    const servers = (text: string | undefined) =>
      (text ?? '').split('\n').filter((line) => line.startsWith('    - '));
    assert.deepEqual(servers(after.data['nutcracker.yml']), [
      '    - 10.244.1.10:11211:1 web-0',
      '    - 10.244.1.99:11211:1 web-1',
      '    - 10.244.1.12:11211:1 web-2',
    ]);
    assert.deepEqual(
      servers(before.data['nutcracker.yml']).map((l) => l.split(' ').at(-1)),
      ['web-0', 'web-1', 'web-2'],
    );
  });

  it('changes the hash with the engine and the topology, not only with the backends', () => {
    const hashes = new Set([
      renderProxyConfig({ engine: 'Twemproxy', topology: 'Sharded', backends: three }).hash,
      renderProxyConfig({ engine: 'Mcrouter', topology: 'Sharded', backends: three }).hash,
      renderProxyConfig({ engine: 'Mcrouter', topology: 'Replicated', backends: three }).hash,
    ]);
    assert.equal(hashes.size, 3);
  });
});

describe('sortBackends', () => {
  it('orders pods by ordinal as a number, so web-10 follows web-9', () => {
    const names = sortBackends([web(10, '10.0.0.10'), web(9, '10.0.0.9'), web(1, '10.0.0.1')]).map(
      (b) => b.name,
    );
    assert.deepEqual(names, ['web-1', 'web-9', 'web-10']);
  });

  it('keeps one entry per pod when two EndpointSlices list it, whatever their order', () => {
    const a = web(0, '10.0.0.1');
    const b = web(0, '10.0.0.2');
    assert.deepEqual(sortBackends([a, b]), sortBackends([b, a]));
    assert.equal(sortBackends([a, b]).length, 1);
  });

  it('brackets IPv6 addresses', () => {
    const config = renderProxyConfig({
      engine: 'Mcrouter',
      topology: 'Sharded',
      backends: [{ name: 'web-0', ip: 'fd00::1', port: 11211 }],
    });
    assert.match(config.data['mcrouter.json'] ?? '', /"\[fd00::1\]:11211"/);
  });
});

describe('configHash', () => {
  it('is pinned: changing the algorithm would rename every ConfigMap and roll every proxy', () => {
    assert.equal(
      configHash({ 'nutcracker.yml': 'memcached: {}\n' }),
      configHash({ 'nutcracker.yml': 'memcached: {}\n' }),
    );
    assert.equal(configHash({ 'nutcracker.yml': 'memcached: {}\n' }), '9fd98d7908');
  });

  it('does not depend on key order, and separates keys from values', () => {
    assert.equal(configHash({ a: '1', b: '2' }), configHash({ b: '2', a: '1' }));
    assert.notEqual(configHash({ ab: 'c' }), configHash({ a: 'bc' }));
  });

  it('is ten lowercase hex characters, safe in a DNS name', () => {
    assert.match(configHash({ x: 'y' }), /^[0-9a-f]{10}$/);
    assert.equal(proxyConfigMapName('web', 'abcdef0123'), 'web-proxy-abcdef0123');
  });
});
