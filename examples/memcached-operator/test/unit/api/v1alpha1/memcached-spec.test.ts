import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSpec } from '../../../../src/api/v1alpha1/memcached-spec.js';

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
