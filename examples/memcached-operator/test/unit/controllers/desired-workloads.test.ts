import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  configMapOfDeployment,
  desiredProxyDeployment,
  desiredServerService,
  desiredStatefulSet,
} from '../../../src/index.js';
import { memcached } from '../fixtures.js';

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
