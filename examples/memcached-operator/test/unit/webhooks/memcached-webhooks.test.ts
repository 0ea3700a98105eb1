import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionDenied, type AdmissionContext } from '@spoke/manager';
import {
  DefaultMcrouterImage,
  DefaultTwemproxyImage,
  type Memcached,
  type MemcachedSpec,
} from '../../../src/api/v1beta1/index.js';
import {
  AllowCacheLossAnnotation,
  MemcachedDefaulter,
  MemcachedValidator,
  memcachedWebhooks,
} from '../../../src/webhooks/index.js';

const ctx = (operation: 'CREATE' | 'UPDATE'): AdmissionContext => ({
  request: { uid: 'u', operation, dryRun: false, userInfo: {}, subResource: '' },
  signal: new AbortController().signal,
});

function mc(spec: MemcachedSpec, annotations?: Record<string, string>): Memcached {
  return {
    apiVersion: 'cache.spoke.dev/v1beta1',
    kind: 'Memcached',
    metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec,
  };
}

describe('MemcachedDefaulter', () => {
  const defaulter = new MemcachedDefaulter();
  const defaulted = (spec: MemcachedSpec): MemcachedSpec['proxy'] => {
    const obj = mc(spec);
    defaulter.default(obj, ctx('CREATE'));
    return obj.spec?.proxy;
  };

  it('pins the proxy image of the chosen engine, which a CRD default cannot (it depends on the engine)', () => {
    assert.equal(defaulted({})?.image, DefaultMcrouterImage);
    assert.equal(defaulted({ proxy: { engine: 'Twemproxy' } })?.image, DefaultTwemproxyImage);
  });

  it('keeps an image the user chose', () => {
    assert.equal(defaulted({ proxy: { engine: 'Twemproxy', image: 'my/proxy:1' } })?.image, 'my/proxy:1');
  });

  it('replaces the pinned image of the other engine, which an engine switch leaves behind', () => {
    assert.equal(
      defaulted({ topology: 'Replicated', proxy: { engine: 'Mcrouter', image: DefaultTwemproxyImage } })
        ?.image,
      DefaultMcrouterImage,
    );
    assert.equal(
      defaulted({ proxy: { engine: 'Twemproxy', image: 'mcrouter/mcrouter:v2020.01.01.00' } })?.image,
      DefaultTwemproxyImage,
    );
  });
});

describe('MemcachedValidator', () => {
  const validator = new MemcachedValidator();

  it('allows a create, warning when there is no server', () => {
    assert.equal(validator.validateCreate(mc({ servers: { replicas: 3 } })), undefined);
    assert.match(
      validator.validateCreate(mc({ servers: { replicas: 0 } }))?.[0] ?? '',
      /servers\.replicas is 0/,
    );
  });

  it('denies a scale-down of more than half the servers at once, with a message saying how to proceed', () => {
    assert.throws(
      () => validator.validateUpdate(mc({ servers: { replicas: 10 } }), mc({ servers: { replicas: 4 } })),
      (err: unknown) =>
        err instanceof AdmissionDenied &&
        err.code === 422 &&
        /from 10 to 4 .*scale down by at most half per step, or annotate the Memcached cache\.spoke\.dev\/allow-cache-loss=true/.test(
          err.message,
        ),
    );
    assert.equal(
      validator.validateUpdate(mc({ servers: { replicas: 10 } }), mc({ servers: { replicas: 5 } })),
      undefined,
    );
    assert.equal(
      validator.validateUpdate(mc({ servers: { replicas: 1 } }), mc({ servers: { replicas: 0 } })),
      undefined,
    );
  });

  it('allows that scale-down with the annotation, with a warning', () => {
    const warnings = validator.validateUpdate(
      mc({ servers: { replicas: 10 } }),
      mc({ servers: { replicas: 2 } }, { [AllowCacheLossAnnotation]: 'true' }),
    );
    assert.deepEqual(warnings, [
      `scaling the servers from 10 to 2 drops the keys of 8 of them at once (allowed by ${AllowCacheLossAnnotation})`,
    ]);
  });

  it('warns on a topology switch and on changes that restart the servers', () => {
    assert.deepEqual(validator.validateUpdate(mc({ topology: 'Sharded' }), mc({ topology: 'Replicated' })), [
      'switching the topology from Sharded to Replicated re-maps every key: the cache starts cold',
    ]);
    assert.match(
      validator.validateUpdate(mc({}), mc({ servers: { memoryMB: 128 } }))?.[0] ?? '',
      /restarts every server in turn/,
    );
    assert.equal(validator.validateUpdate(mc({}), mc({ proxy: { replicas: 3 } })), undefined);
  });
});

describe('memcachedWebhooks', () => {
  it('declares the hub v1beta1 with a defaulter, a validator and the v1alpha1 spoke, as plain data', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(memcachedWebhooks)), {
      kind: {
        group: 'cache.spoke.dev',
        version: 'v1beta1',
        kind: 'Memcached',
        plural: 'memcacheds',
        namespaced: true,
        apiVersion: 'cache.spoke.dev/v1beta1',
      },
      mutating: {
        path: '/mutate-cache-spoke-dev-v1beta1-memcached',
        name: 'mmemcached-v1beta1.cache.spoke.dev',
        failurePolicy: 'Fail',
        sideEffects: 'None',
        operations: ['CREATE', 'UPDATE'],
        timeoutSeconds: 10,
      },
      validating: {
        path: '/validate-cache-spoke-dev-v1beta1-memcached',
        name: 'vmemcached-v1beta1.cache.spoke.dev',
        failurePolicy: 'Fail',
        sideEffects: 'None',
        operations: ['CREATE', 'UPDATE'],
        timeoutSeconds: 10,
      },
      conversion: { path: '/convert', versions: ['v1beta1', 'v1alpha1'] },
    });
  });
});
