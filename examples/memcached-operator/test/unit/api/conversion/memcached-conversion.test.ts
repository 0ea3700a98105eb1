import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  convertFromHub,
  convertToHub,
  V1beta1FieldsAnnotation,
} from '../../../../src/api/conversion/memcached-conversion.js';
import type { Memcached as MemcachedV1alpha1 } from '../../../../src/api/v1alpha1/index.js';
import type { Memcached, MemcachedSpec, ServersSpec } from '../../../../src/api/v1beta1/index.js';

/** mulberry32: a small seeded generator, so that a failing case is reproduced by its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each optional field present or absent, so the generator covers absent, empty and full blocks. */
function maybe<T>(r: () => number, value: () => T): T | undefined {
  return r() < 0.5 ? value() : undefined;
}
const int = (r: () => number, max: number): number => Math.floor(r() * (max + 1));
const pick = <T>(r: () => number, values: readonly T[]): T => values[int(r, values.length - 1)] as T;

function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function metadata(r: () => number, i: number): Memcached['metadata'] {
  const annotations = maybe(r, () => ({ team: `t${int(r, 9)}`, ...(r() < 0.3 ? { 'note/x': 'y' } : {}) }));
  return defined({
    name: `mc-${i}`,
    namespace: 'default',
    uid: `uid-${i}`,
    resourceVersion: String(int(r, 1e6)),
    generation: int(r, 20) + 1,
    labels: maybe(r, () => ({ app: 'cache' })),
    annotations,
  });
}

function proxy(r: () => number): MemcachedSpec['proxy'] {
  return defined({
    engine: maybe(r, () => pick(r, ['Mcrouter', 'Twemproxy'] as const)),
    replicas: maybe(r, () => int(r, 99) + 1),
    image: maybe(r, () => `proxy:${int(r, 9)}`),
  });
}

function hub(r: () => number, i: number): Memcached {
  const spec = maybe(r, () =>
    defined<MemcachedSpec>({
      servers: maybe(r, () =>
        defined<ServersSpec>({
          replicas: maybe(r, () => int(r, 100)),
          image: maybe(r, () => `memcached:1.6.${int(r, 40)}`),
          memoryMB: maybe(r, () => 16 + int(r, 4096)),
          maxItemSizeKB: maybe(r, () => 1 + int(r, 8191)),
        }),
      ),
      topology: maybe(r, () => pick(r, ['Sharded', 'Replicated'] as const)),
      proxy: maybe(r, () => proxy(r)),
    }),
  );
  const status = maybe(r, () => ({
    replicas: int(r, 5),
    readyReplicas: int(r, 5),
    configMap: `web-proxy-${i}`,
  }));
  return defined({
    apiVersion: 'cache.spoke.dev/v1beta1',
    kind: 'Memcached',
    metadata: metadata(r, i),
    spec,
    status,
  });
}

function spoke(r: () => number, i: number): MemcachedV1alpha1 {
  const spec = maybe(r, () =>
    defined({
      replicas: maybe(r, () => int(r, 100)),
      image: maybe(r, () => `memcached:1.6.${int(r, 40)}`),
      memoryMB: maybe(r, () => 16 + int(r, 4096)),
      topology: maybe(r, () => pick(r, ['Sharded', 'Replicated'] as const)),
      proxy: maybe(r, () => proxy(r)),
    }),
  );
  return defined({
    apiVersion: 'cache.spoke.dev/v1alpha1',
    kind: 'Memcached',
    metadata: metadata(r, i),
    spec,
  });
}

const cases = 2000;

describe('Memcached conversion v1alpha1 ⇄ v1beta1', () => {
  it(`v1beta1 → v1alpha1 → v1beta1 gives the same object, for ${cases} generated objects`, () => {
    const r = random(12);
    for (let i = 0; i < cases; i++) {
      const original = hub(r, i);
      const frozen = structuredClone(original);
      const spokeVersion = convertFromHub(original);
      assert.equal(spokeVersion.apiVersion, 'cache.spoke.dev/v1alpha1');
      assert.deepEqual(convertToHub(spokeVersion), frozen, `case ${i}: ${JSON.stringify(frozen)}`);
      assert.deepEqual(original, frozen, `case ${i}: the input was changed`);
    }
  });

  it(`v1alpha1 → v1beta1 → v1alpha1 gives the same object, for ${cases} generated objects`, () => {
    const r = random(34);
    for (let i = 0; i < cases; i++) {
      const original = spoke(r, i);
      const hubVersion = convertToHub(original);
      assert.equal(hubVersion.apiVersion, 'cache.spoke.dev/v1beta1');
      assert.equal(hubVersion.metadata?.annotations?.[V1beta1FieldsAnnotation], undefined);
      assert.deepEqual(convertFromHub(hubVersion), original, `case ${i}: ${JSON.stringify(original)}`);
    }
  });

  it('moves the flat server fields under servers, and keeps what v1alpha1 cannot hold in the annotation', () => {
    const v1beta1: Memcached = {
      apiVersion: 'cache.spoke.dev/v1beta1',
      kind: 'Memcached',
      metadata: { name: 'web', annotations: { team: 'a' } },
      spec: { servers: { replicas: 5, memoryMB: 128, maxItemSizeKB: 2048 }, topology: 'Replicated' },
    };
    const v1alpha1 = convertFromHub(v1beta1);
    assert.deepEqual(v1alpha1.spec, { replicas: 5, memoryMB: 128, topology: 'Replicated' });
    assert.deepEqual(v1alpha1.metadata?.annotations, {
      team: 'a',
      [V1beta1FieldsAnnotation]: '{"servers":{"maxItemSizeKB":2048}}',
    });
    // Only what is lost: a v1beta1 object v1alpha1 can hold whole gets no annotation.
    const plain = convertFromHub({ ...v1beta1, spec: { servers: { replicas: 1 } } });
    assert.deepEqual(plain.metadata?.annotations, { team: 'a' });
  });

  it('leaves an annotation it did not write (edited by hand) as an ordinary annotation', () => {
    for (const value of [
      'not json',
      '{"servers":{"replicas":3}}',
      '[]',
      '{"servers":{"maxItemSizeKB":"big"}}',
    ]) {
      const v1alpha1: MemcachedV1alpha1 = {
        apiVersion: 'cache.spoke.dev/v1alpha1',
        kind: 'Memcached',
        metadata: { name: 'web', annotations: { [V1beta1FieldsAnnotation]: value } },
        spec: { replicas: 2 },
      };
      const v1beta1 = convertToHub(v1alpha1);
      assert.deepEqual(v1beta1.spec, { servers: { replicas: 2 } }, value);
      assert.equal(v1beta1.metadata?.annotations?.[V1beta1FieldsAnnotation], value);
      assert.deepEqual(convertFromHub(v1beta1), v1alpha1, value);
    }
  });
});
