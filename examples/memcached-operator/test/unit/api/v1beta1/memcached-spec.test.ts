import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSpec as resolveV1alpha1 } from '../../../../src/api/v1alpha1/memcached-spec.js';
import { resolveSpec, type Memcached } from '../../../../src/api/v1beta1/index.js';
import { desiredStatefulSet } from '../../../../src/controllers/memcached/desired-stateful-set.js';

function v1beta1(spec: Memcached['spec']): Memcached {
  return {
    apiVersion: 'cache.spoke.dev/v1beta1',
    kind: 'Memcached',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1 },
    spec,
  };
}

describe('v1beta1 resolveSpec', () => {
  it("applies the same defaults as v1alpha1's, with no item size limit unless set", () => {
    assert.deepEqual(resolveSpec({}), resolveV1alpha1({}));
    assert.equal('maxItemSizeKB' in resolveSpec({}), false);
    assert.deepEqual(
      resolveSpec({
        servers: { replicas: 0, memoryMB: 256, maxItemSizeKB: 2048 },
        proxy: { engine: 'Twemproxy' },
      }),
      {
        ...resolveV1alpha1({ replicas: 0, memoryMB: 256, proxy: { engine: 'Twemproxy' } }),
        maxItemSizeKB: 2048,
      },
    );
  });
});

describe('the StatefulSet of a v1beta1 Memcached', () => {
  it('passes -I only when servers.maxItemSizeKB is set, so existing pools keep their pod template', () => {
    const args = (spec: Memcached['spec']): string[] =>
      desiredStatefulSet(v1beta1(spec)).spec?.template.spec?.containers[0]?.args ?? [];
    assert.deepEqual(args({ servers: { memoryMB: 128 } }), [
      '-m',
      '128',
      '-p',
      '11211',
      '-U',
      '0',
      '-o',
      'modern',
    ]);
    assert.deepEqual(args({ servers: { memoryMB: 128, maxItemSizeKB: 4096 } }), [
      '-m',
      '128',
      '-I',
      '4096k',
      '-p',
      '11211',
      '-U',
      '0',
      '-o',
      'modern',
    ]);
  });
});
