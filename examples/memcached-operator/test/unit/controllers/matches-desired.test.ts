import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesDesired } from '../../../src/index.js';

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
