import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ConfigMap, V1ReplicaSet } from '@kubernetes/client-node';
import { resolveSpec } from '../../src/api/v1alpha1/memcached-spec.js';
import { renderProxyConfig } from '../../src/proxy/index.js';
import {
  Annotations,
  backendsFromEndpointSlices,
  backendsOf,
  configMapOfDeployment,
  desiredProxyConfigMap,
  desiredProxyDeployment,
  desiredServerService,
  desiredStatefulSet,
  expectedPodNames,
  matchesDesired,
  newestConfigMap,
  settleDecision,
  staleProxyConfigMaps,
} from '../../src/resources/index.js';
import { endpointSlice, memcached } from './fixtures.js';

describe('resolveSpec', () => {
  it('applies the CRD schema defaults to an empty spec', () => {
    const spec = resolveSpec({});
    assert.equal(spec.replicas, 3);
    assert.equal(spec.topology, 'Sharded');
    assert.equal(spec.proxy.engine, 'Mcrouter');
    assert.equal(spec.proxy.replicas, 2);
    assert.match(spec.image, /^memcached:\d/);
  });

  it('keeps what the user set, including replicas 0', () => {
    const spec = resolveSpec({ replicas: 0, proxy: { engine: 'Twemproxy', image: 'proxy:1' } });
    assert.equal(spec.replicas, 0);
    assert.deepEqual(spec.proxy, { engine: 'Twemproxy', replicas: 2, image: 'proxy:1' });
  });
});

describe('matchesDesired', () => {
  const desired = { spec: { replicas: 3, template: { containers: [{ name: 'a', args: ['-m', '64'] }] } } };

  it('ignores fields the API server filled in', () => {
    const actual = {
      metadata: { resourceVersion: '7' },
      spec: {
        replicas: 3,
        revisionHistoryLimit: 10,
        template: { containers: [{ name: 'a', args: ['-m', '64'], imagePullPolicy: 'IfNotPresent' }] },
      },
      status: { replicas: 3 },
    };
    assert.equal(matchesDesired(desired, actual), true);
  });

  it('sees a changed value, a missing field and a different list length', () => {
    assert.equal(matchesDesired(desired, { spec: { replicas: 5, template: desired.spec.template } }), false);
    assert.equal(matchesDesired(desired, { spec: { template: desired.spec.template } }), false);
    assert.equal(
      matchesDesired(desired, {
        spec: { replicas: 3, template: { containers: [{ name: 'a', args: ['-m'] }] } },
      }),
      false,
    );
  });

  it('treats an empty object or list as matching an absent field (the API server drops them)', () => {
    assert.equal(matchesDesired({ a: {}, b: [] }, {}), true);
  });
});

describe('backendsFromEndpointSlices', () => {
  it('lists ready endpoints by pod name in ring order, across slices, and the others as not ready', () => {
    const observed = backendsFromEndpointSlices([
      endpointSlice('web-a', [
        { pod: 'web-2', ip: '10.0.0.12', ready: true },
        { pod: 'web-10', ip: '10.0.0.20' }, // no condition: ready, as the API defines
      ]),
      endpointSlice('web-b', [
        { pod: 'web-0', ip: '10.0.0.10', ready: true },
        { pod: 'web-1', ip: '10.0.0.11', ready: false },
        { pod: 'web-3', ip: '10.0.0.13', ready: true, terminating: true },
      ]),
    ]);
    assert.deepEqual(
      observed.ready.map((b) => `${b.name}=${b.ip}:${b.port}`),
      ['web-0=10.0.0.10:11211', 'web-2=10.0.0.12:11211', 'web-10=10.0.0.20:11211'],
    );
    assert.deepEqual(
      observed.notReady.map((b) => b.name),
      ['web-1', 'web-3'],
    );
  });
});

describe('settleDecision', () => {
  const observed = backendsFromEndpointSlices([
    endpointSlice('s', [
      { pod: 'web-0', ip: '10.0.0.10', ready: true },
      { pod: 'web-1', ip: '10.0.0.11', ready: false },
    ]),
  ]);

  it('waits for an expected server that is starting, for at most settleMs', () => {
    const input = {
      expectedNames: expectedPodNames('web', 2),
      observed,
      settleMs: 10_000,
      hasPublished: true,
    };
    assert.deepEqual(settleDecision({ ...input, pendingSince: undefined, now: 1000 }), {
      publish: false,
      retryAfterMs: 10_000,
    });
    assert.deepEqual(settleDecision({ ...input, pendingSince: 1000, now: 4000 }), {
      publish: false,
      retryAfterMs: 7000,
    });
    assert.deepEqual(settleDecision({ ...input, pendingSince: 1000, now: 11_000 }), { publish: true });
  });

  it('publishes at once when every expected server is ready, even if others are going away', () => {
    assert.deepEqual(
      settleDecision({
        expectedNames: ['web-0'],
        observed,
        pendingSince: undefined,
        now: 0,
        settleMs: 10_000,
        hasPublished: true,
      }),
      { publish: true },
    );
  });

  it('holds the published config while no expected server is ready, however long that lasts', () => {
    const noneReady = backendsFromEndpointSlices([
      endpointSlice('s', [
        { pod: 'web-0', ip: '10.0.0.10', ready: false },
        { pod: 'web-1', ip: '10.0.0.11', ready: false },
      ]),
    ]);
    const input = { expectedNames: expectedPodNames('web', 2), observed: noneReady, settleMs: 10_000 };
    assert.deepEqual(settleDecision({ ...input, hasPublished: true, pendingSince: 0, now: 3_600_000 }), {
      publish: false,
      retryAfterMs: 10_000,
    });
    // The first config is still published once the wait is over, so the proxy can start and report the outage.
    assert.deepEqual(settleDecision({ ...input, hasPublished: false, pendingSince: 0, now: 11_000 }), {
      publish: true,
    });
  });

  it('publishes an empty config at once when no server is expected (replicas 0)', () => {
    assert.deepEqual(
      settleDecision({
        expectedNames: [],
        observed,
        pendingSince: undefined,
        now: 0,
        settleMs: 10_000,
        hasPublished: true,
      }),
      { publish: true },
    );
  });
});

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

describe('desired workloads', () => {
  it('a StatefulSet of spec.replicas servers with -m memoryMB and room above it, selected by stable labels', () => {
    const sts = desiredStatefulSet(memcached({ replicas: 5, memoryMB: 128 }));
    assert.equal(sts.metadata?.name, 'web');
    assert.equal(sts.spec?.replicas, 5);
    assert.equal(sts.spec.serviceName, 'web');
    const container = sts.spec.template.spec?.containers[0];
    assert.deepEqual(container?.args?.slice(0, 2), ['-m', '128']);
    assert.equal(container.resources?.limits?.memory, '160Mi');
    assert.deepEqual(
      sts.spec.selector.matchLabels,
      sts.spec.template.metadata?.labels && desiredStatefulSet(memcached()).spec?.selector.matchLabels,
    );
  });

  it('a headless Service named after the Memcached, selecting the servers', () => {
    const svc = desiredServerService(memcached());
    assert.equal(svc.metadata?.name, 'web');
    assert.equal(svc.spec?.clusterIP, 'None');
    assert.deepEqual(svc.spec.selector, desiredStatefulSet(memcached()).spec?.selector.matchLabels);
  });

  it('a proxy Deployment that mounts the given ConfigMap and rolls with no unavailability', () => {
    const dep = desiredProxyDeployment(
      memcached({ proxy: { engine: 'Twemproxy', replicas: 3 } }),
      'web-proxy-abc',
    );
    assert.equal(dep.metadata?.name, 'web-proxy');
    assert.equal(dep.spec?.replicas, 3);
    assert.equal(dep.spec.strategy?.rollingUpdate?.maxUnavailable, 0);
    assert.equal(configMapOfDeployment(dep), 'web-proxy-abc');
    assert.equal(dep.spec.template.spec?.containers[0]?.command?.[0], 'nutcracker');
    const mcrouter = desiredProxyDeployment(memcached({ topology: 'Replicated' }), 'x');
    assert.equal(mcrouter.spec?.template.spec?.containers[0]?.command?.[0], 'mcrouter');
  });
});
