import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap, V1ReplicaSet } from '@kubernetes/client-node';
import { renderProxyConfig } from '../../../../src/proxy/index.js';
import {
  Annotations,
  backendsOf,
  desiredProxyConfigMap,
  newestConfigMap,
  staleProxyConfigMaps,
} from '../../../../src/index.js';
import { memcached } from '../../fixtures.js';

describe('proxy ConfigMaps', () => {
  const mc = memcached({ proxy: { engine: 'Twemproxy' } });
  const config = renderProxyConfig({
    engine: 'Twemproxy',
    topology: 'Sharded',
    backends: [{ name: 'web-0', ip: '10.0.0.10', port: 11211 }],
  });
  const cm = (name: string, generation: number): V1ConfigMap => ({
    metadata: { name, annotations: { [Annotations.configGeneration]: String(generation) } },
  });
  const rs = (configMap: string, replicas: number, current: number): V1ReplicaSet => ({
    spec: {
      replicas,
      selector: {},
      template: { spec: { containers: [], volumes: [{ name: 'config', configMap: { name: configMap } }] } },
    },
    status: { replicas: current },
  });

  it('are immutable, named by content hash, owned by the Memcached, and record their generation and servers', () => {
    const made = desiredProxyConfigMap(mc, config, 4);
    assert.equal(made.metadata?.name, `web-proxy-${config.hash}`);
    assert.equal(made.immutable, true);
    assert.equal(made.metadata.ownerReferences?.[0]?.uid, 'uid-web');
    assert.equal(made.metadata.ownerReferences[0].controller, true);
    assert.equal(made.metadata.annotations?.[Annotations.configGeneration], '4');
    assert.deepEqual(backendsOf(made), [{ name: 'web-0', address: '10.0.0.10:11211' }]);
  });

  it('newest is the highest generation, whatever the names', () => {
    assert.equal(
      newestConfigMap([cm('web-proxy-ffff', 2), cm('web-proxy-0000', 10), cm('web-proxy-aaaa', 9)])?.metadata
        ?.name,
      'web-proxy-0000',
    );
  });

  it('an old one is deleted only when no live ReplicaSet mounts it', () => {
    const [a, b, c] = [cm('a', 1), cm('b', 2), cm('c', 3)];
    const names = (cms: V1ConfigMap[]) => cms.map((x) => x.metadata?.name);
    // Mid-rollout: the old ReplicaSet (b) still has pods.
    assert.deepEqual(names(staleProxyConfigMaps([a, b, c], c, [rs('b', 1, 2), rs('c', 2, 1)])), ['a']);
    // Scaled to zero, but its last pod is still terminating.
    assert.deepEqual(names(staleProxyConfigMaps([a, b, c], c, [rs('b', 0, 1), rs('c', 2, 2)])), ['a']);
    // Rollout finished.
    assert.deepEqual(names(staleProxyConfigMaps([a, b, c], c, [rs('b', 0, 0), rs('c', 2, 2)])), ['a', 'b']);
    // The newest stays even before any ReplicaSet mounts it.
    assert.deepEqual(names(staleProxyConfigMaps([b, c], c, [rs('b', 2, 2)])), []);
  });
});
