import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLabelSelector } from '../../../src/labels/label-selector.js';

const labels = { app: 'web', tier: 'frontend', replicas: '3' };
const matches = (selector: string, l: Record<string, string> | undefined = labels): boolean =>
  parseLabelSelector(selector).matches(l);

describe('label selectors, as the API server reads them', () => {
  it('matches equality and inequality', () => {
    assert.equal(matches('app=web'), true);
    assert.equal(matches('app==web'), true);
    assert.equal(matches('app=db'), false);
    assert.equal(matches('app!=db'), true);
    assert.equal(matches('missing!=x'), true, 'a missing label satisfies !=');
  });

  it('matches set-based clauses', () => {
    assert.equal(matches('tier in (frontend, backend)'), true);
    assert.equal(matches('tier notin (frontend)'), false);
    assert.equal(matches('missing notin (x)'), true);
    assert.equal(matches('missing in (x)'), false);
  });

  it('matches existence and absence', () => {
    assert.equal(matches('app'), true);
    assert.equal(matches('!app'), false);
    assert.equal(matches('!canary'), true);
  });

  it('matches numeric comparisons', () => {
    assert.equal(matches('replicas>2'), true);
    assert.equal(matches('replicas<3'), false);
  });

  it('requires every clause (commas inside parentheses do not split)', () => {
    assert.equal(matches('app=web,tier in (frontend,x),!canary'), true);
    assert.equal(matches('app=web,tier=backend'), false);
  });

  it('matches everything with an empty selector, even objects without labels', () => {
    assert.equal(matches(''), true);
    assert.equal(parseLabelSelector('').matches(undefined), true);
    assert.equal(parseLabelSelector('app').matches(undefined), false);
  });

  it('rejects malformed selectors', () => {
    assert.throws(() => parseLabelSelector('app in (a'), /unbalanced/);
    assert.throws(() => parseLabelSelector('a=b=c'), /cannot parse/);
    assert.throws(() => parseLabelSelector('x>abc'), /needs an integer/);
  });
});
