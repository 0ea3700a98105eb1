import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSpec } from '@spoke/memcached-operator';
import type { AuditedRequest } from '../../support/audit-log.js';
import { configMapCreations } from '../../soak/config-map-creations.js';

let id = 0;
function request(r: Partial<AuditedRequest> & { at: number }): AuditedRequest {
  const receivedAt = r.at * 1000;
  return {
    auditID: String(id++),
    verb: 'create',
    user: 'system:serviceaccount:kube-system:endpointslice-controller',
    userAgent: '',
    resource: 'endpointslices',
    namespace: 'soak',
    name: '',
    receivedAt,
    completedAt: receivedAt + 5,
    code: 201,
    requestObject: undefined,
    responseObject: undefined,
    line: '',
    ...r,
  };
}

/**
 * A write of the EndpointSlice of `service` with these ready pods. A create names it by generateName, as the
 * EndpointSlice controller does: its name is in the response only.
 */
function slice(service: string, at: number, pods: string[], verb = 'update'): AuditedRequest {
  const labels = { 'kubernetes.io/service-name': service };
  const body = {
    metadata:
      verb === 'create' ? { generateName: `${service}-`, labels } : { name: `${service}-abc`, labels },
    ports: [{ name: 'memcached', port: 11211 }],
    endpoints: pods.map((p, i) => ({
      addresses: [`10.244.0.${i + 1}`],
      conditions: { ready: true },
      targetRef: { kind: 'Pod', name: p },
    })),
  };
  return request({
    at,
    verb,
    code: verb === 'create' ? 201 : 200,
    requestObject: body,
    responseObject: verb === 'create' ? { ...body, metadata: { name: `${service}-abc`, labels } } : undefined,
  });
}

/** A proxy ConfigMap created by `user`, a Sharded mcrouter config of `pods` (addresses as {@link slice} gives). */
function configMap(at: number, name: string, pods: string[], user = 'soak-manager-0-0'): AuditedRequest {
  const backends = pods.map((p, i) => ({ name: p, address: `10.244.0.${i + 1}:11211` }));
  return request({
    at,
    user,
    resource: 'configmaps',
    requestObject: {
      metadata: { name, annotations: { 'cache.spoke.dev/backends': JSON.stringify(backends) } },
      data: { 'mcrouter.json': '{"route": "PoolRoute|Pool|memcached"}' },
    },
  });
}

const specs = [{ name: 'web', at: 0, spec: resolveSpec({ replicas: 2 }) }];
const analyse = (requests: AuditedRequest[], end = 100_000) =>
  configMapCreations({
    requests,
    names: ['web'],
    isManager: (u) => u.startsWith('soak-manager-'),
    specs,
    settleWindowMs: 15_000,
    end,
  });

describe('ConfigMaps per settled backend set', () => {
  it('finds the stretches in which the ready servers did not change for the settle window', () => {
    const result = analyse([
      slice('web', 1, ['web-0'], 'create'),
      configMap(2, 'web-proxy-a', ['web-0']),
      slice('web', 5, ['web-0', 'web-1']),
      configMap(6, 'web-proxy-b', ['web-0', 'web-1']),
      slice('other', 30, ['other-0']),
      slice('web', 40, ['web-0']),
      configMap(41, 'web-proxy-a', ['web-0']),
    ]);
    // From when each slice write was answered: [1, 5) is short; [5, 40) and [40, 100) are settled, one each.
    assert.deepEqual(
      result.settled.map((i) => [i.start, i.end, i.matching.map((c) => c.name)]),
      [
        [5005, 40005, ['web-proxy-b']],
        [40005, 100000, ['web-proxy-a']],
      ],
    );
    assert.deepEqual(result.excess, []);
    assert.equal(result.createdBy.web, 3);
    // web-proxy-a at 2 s was for the set [web-0] too, which settled later: not transitional.
    assert.deepEqual(result.transitional, []);
  });

  it('flags a settled backend set for which more than one ConfigMap was created', () => {
    const result = analyse([
      slice('web', 1, ['web-0', 'web-1']),
      configMap(2, 'web-proxy-b', ['web-0', 'web-1']),
      configMap(20, 'web-proxy-c', ['web-0', 'web-1']),
      // Not the managers': the test's own or another client's creations do not count.
      configMap(21, 'web-proxy-d', ['web-0', 'web-1'], 'soak-intruder'),
    ]);
    assert.deepEqual(
      result.excess.map((i) => i.matching.map((c) => c.name)),
      [['web-proxy-b', 'web-proxy-c']],
    );
  });

  it('tells a ConfigMap for a set that never settled (a passing state, a stale cache) from a duplicate', () => {
    const result = analyse([
      slice('web', 1, ['web-0', 'web-1']),
      configMap(2, 'web-proxy-b', ['web-0', 'web-1']),
      // Rendered from a cache that still showed web-2, created after the set had settled without it.
      configMap(3, 'web-proxy-x', ['web-0', 'web-1', 'web-2']),
    ]);
    assert.deepEqual(result.excess, []);
    assert.deepEqual(
      result.transitional.map((c) => c.name),
      ['web-proxy-x'],
    );
  });

  it('counts an engine or topology change as a new set, and a deleted slice as no servers', () => {
    const result = configMapCreations({
      requests: [
        slice('web', 1, ['web-0']),
        configMap(2, 'web-proxy-a', ['web-0']),
        configMap(31, 'web-proxy-r', ['web-0']),
        request({ at: 60, verb: 'delete', name: 'web-abc', code: 200 }),
      ],
      names: ['web'],
      isManager: () => true,
      specs: [
        ...specs,
        { name: 'web', at: 30_000, spec: resolveSpec({ replicas: 1, topology: 'Replicated' }) },
      ],
      settleWindowMs: 15_000,
      end: 100_000,
    });
    assert.deepEqual(
      result.settled.map((i) => [i.start, i.end, i.created.length]),
      [
        [1005, 30000, 1],
        [30000, 60005, 1],
        [60005, 100000, 0],
      ],
    );
  });
});
