import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketDelta, buckets, histogramQuantile, samples, sum } from '../../../bench/support/prom-text.js';

const text = `# HELP apiserver_request_total Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="201",component="apiserver",resource="secrets",verb="POST"} 7
apiserver_request_total{code="409",component="apiserver",resource="secrets",verb="POST"} 2
apiserver_request_total{code="200",component="apiserver",resource="configmaps",verb="LIST"} 1
apiserver_request_total_other{resource="secrets"} 100
t_bucket{controller="a",le="0.1"} 2
t_bucket{controller="a",le="0.2"} 6
t_bucket{controller="a",le="+Inf"} 10
t_bucket{controller="b",le="0.1"} 100
t_bucket{controller="b",le="0.2"} 100
t_bucket{controller="b",le="+Inf"} 100
`;

describe('prom-text', () => {
  it('reads the samples of one series, labels unescaped, not those of a longer name', () => {
    const s = samples(text, 'apiserver_request_total');
    assert.equal(s.length, 3);
    assert.deepEqual(s[0]?.labels, {
      code: '201',
      component: 'apiserver',
      resource: 'secrets',
      verb: 'POST',
    });
    assert.equal(samples('x{a="q\\"uote"} 1', 'x')[0]?.labels.a, 'q"uote');
  });

  it('sums the samples whose labels pass', () => {
    assert.equal(
      sum(text, 'apiserver_request_total', (l) => l.resource === 'secrets'),
      9,
    );
  });

  it('reads histogram buckets of the selected series, in order, and subtracts two scrapes', () => {
    const a = buckets(text, 't', (l) => l.controller === 'a');
    assert.deepEqual(a, [
      { le: 0.1, count: 2 },
      { le: 0.2, count: 6 },
      { le: Infinity, count: 10 },
    ]);
    assert.deepEqual(
      bucketDelta([{ le: 0.1, count: 1 }], a).map((b) => b.count),
      [1, 6, 10],
    );
  });

  it('interpolates quantiles as histogram_quantile does', () => {
    const a = buckets(text, 't', (l) => l.controller === 'a');
    // rank 5 of 10: in (0.1, 0.2], 3 of its 4 observations in → 0.1 + 0.1 × 3/4.
    assert.ok(Math.abs((histogramQuantile(0.5, a) ?? NaN) - 0.175) < 1e-9);
    // rank 1 of 10: in the first bucket, lower bound 0 → 0.1 × 1/2.
    assert.ok(Math.abs((histogramQuantile(0.1, a) ?? NaN) - 0.05) < 1e-9);
    // In the +Inf bucket: the highest finite bound.
    assert.equal(histogramQuantile(0.99, a), 0.2);
    assert.equal(histogramQuantile(0.5, []), undefined);
  });
});
