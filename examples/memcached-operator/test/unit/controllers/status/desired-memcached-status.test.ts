import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { Condition } from '../../../../src/api/v1alpha1/index.js';
import { renderProxyConfig } from '../../../../src/proxy/index.js';
import {
  desiredMemcachedStatus,
  desiredProxyConfigMap,
  desiredProxyDeployment,
} from '../../../../src/index.js';
import { memcached } from '../../fixtures.js';

const mc = memcached({ replicas: 3, proxy: { replicas: 2 } });
const backends = [0, 1, 2].map((i) => ({ name: `web-${i}`, ip: `10.0.0.${i}`, port: 11211 }));
const configMap = desiredProxyConfigMap(
  mc,
  renderProxyConfig({ engine: 'Mcrouter', topology: 'Sharded', backends }),
  1,
);
const sts = (ready: number): V1StatefulSet => ({
  metadata: { generation: 1 },
  status: { observedGeneration: 1, replicas: 3, readyReplicas: ready },
});
const dep = (ready: number): V1Deployment => ({
  spec: desiredProxyDeployment(mc, configMap.metadata?.name ?? '').spec,
  metadata: { generation: 1 },
  status: {
    observedGeneration: 1,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: ready,
    unavailableReplicas: 2 - ready,
  },
});
const condition = (conditions: readonly Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type);

describe('desiredMemcachedStatus', () => {
  it('reports a converged Memcached as Available, not Progressing, not Degraded, with its servers and config', () => {
    const status = desiredMemcachedStatus({
      memcached: mc,
      statefulSet: sts(3),
      deployment: dep(2),
      configMap,
      now: 't1',
    });
    assert.equal(status.observedGeneration, 1);
    assert.equal(status.readyReplicas, 3);
    assert.equal(status.configMap, configMap.metadata?.name);
    assert.deepEqual(
      status.backends?.map((b) => b.name),
      ['web-0', 'web-1', 'web-2'],
    );
    assert.deepEqual(status.proxy, { replicas: 2, updatedReplicas: 2, readyReplicas: 2 });
    assert.equal(
      status.selector,
      'app.kubernetes.io/name=memcached,app.kubernetes.io/instance=web,app.kubernetes.io/component=server',
    );
    assert.equal(condition(status.conditions, 'Available')?.status, 'True');
    assert.equal(condition(status.conditions, 'Progressing')?.status, 'False');
    assert.equal(condition(status.conditions, 'Degraded')?.status, 'False');
  });

  it('is equal when recomputed from the same objects later, so that a resync writes nothing', () => {
    const first = desiredMemcachedStatus({
      memcached: mc,
      statefulSet: sts(3),
      deployment: dep(2),
      configMap,
      now: 't1',
    });
    const again = desiredMemcachedStatus({
      memcached: { ...mc, status: first },
      statefulSet: sts(3),
      deployment: dep(2),
      configMap,
      now: 't2',
    });
    assert.deepEqual(again, first);
  });

  it('reports servers that are not ready as Progressing and Degraded, still Available through the proxy', () => {
    const status = desiredMemcachedStatus({
      memcached: mc,
      statefulSet: sts(2),
      deployment: dep(2),
      configMap,
      now: 't1',
    });
    assert.equal(condition(status.conditions, 'Progressing')?.reason, 'ScalingServers');
    assert.equal(condition(status.conditions, 'Degraded')?.status, 'True');
    assert.equal(condition(status.conditions, 'Available')?.status, 'True');
  });

  it('is not Available when no server is ready, though the proxy is', () => {
    const status = desiredMemcachedStatus({
      memcached: mc,
      statefulSet: sts(0),
      deployment: dep(2),
      configMap,
      now: 't1',
    });
    assert.equal(condition(status.conditions, 'Available')?.status, 'False');
    assert.equal(condition(status.conditions, 'Available')?.reason, 'NoServerReady');
  });

  it('is not Available before a config and a ready proxy exist', () => {
    const status = desiredMemcachedStatus({
      memcached: mc,
      statefulSet: sts(3),
      deployment: undefined,
      configMap: undefined,
      now: 't1',
    });
    assert.equal(condition(status.conditions, 'Available')?.reason, 'NoConfig');
  });
});
