import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findStatusCondition,
  isStatusConditionFalse,
  isStatusConditionTrue,
  removeStatusCondition,
  setStatusCondition,
  type Condition,
} from '../../../src/conditions/status-conditions.js';

const t0 = new Date('2025-01-01T00:00:00.123Z');
const t1 = new Date('2025-01-01T00:05:00Z');

describe('status conditions (metav1.Condition helpers)', () => {
  it('adds a missing condition with lastTransitionTime now (second precision) and the observed generation', () => {
    const conditions: Condition[] = [];
    const changed = setStatusCondition(
      conditions,
      { type: 'Available', status: 'True', reason: 'Ready', message: 'ok' },
      3,
      t0,
    );
    assert.equal(changed, true);
    assert.deepEqual(conditions, [
      {
        type: 'Available',
        status: 'True',
        reason: 'Ready',
        message: 'ok',
        lastTransitionTime: '2025-01-01T00:00:00Z',
        observedGeneration: 3,
      },
    ]);
  });

  it('keeps lastTransitionTime when only the reason or message changes', () => {
    const conditions: Condition[] = [];
    setStatusCondition(
      conditions,
      { type: 'Available', status: 'True', reason: 'Ready', message: 'ok' },
      1,
      t0,
    );
    const changed = setStatusCondition(
      conditions,
      { type: 'Available', status: 'True', reason: 'StillReady', message: 'fine' },
      2,
      t1,
    );
    assert.equal(changed, true);
    assert.equal(conditions[0]?.lastTransitionTime, '2025-01-01T00:00:00Z');
    assert.equal(conditions[0].reason, 'StillReady');
    assert.equal(conditions[0].observedGeneration, 2);
  });

  it('moves lastTransitionTime when the status changes', () => {
    const conditions: Condition[] = [];
    setStatusCondition(
      conditions,
      { type: 'Available', status: 'True', reason: 'Ready', message: 'ok' },
      1,
      t0,
    );
    setStatusCondition(
      conditions,
      { type: 'Available', status: 'False', reason: 'Down', message: 'no pods' },
      1,
      t1,
    );
    assert.equal(conditions[0]?.lastTransitionTime, '2025-01-01T00:05:00Z');
    assert.equal(isStatusConditionFalse(conditions, 'Available'), true);
  });

  it('reports no change when nothing changed, so the status need not be written', () => {
    const conditions: Condition[] = [];
    setStatusCondition(
      conditions,
      { type: 'Available', status: 'True', reason: 'Ready', message: 'ok' },
      1,
      t0,
    );
    assert.equal(
      setStatusCondition(
        conditions,
        { type: 'Available', status: 'True', reason: 'Ready', message: 'ok' },
        1,
        t1,
      ),
      false,
    );
    assert.equal(conditions[0]?.lastTransitionTime, '2025-01-01T00:00:00Z');
  });

  it('finds, tests and removes conditions by type', () => {
    const conditions: Condition[] = [];
    setStatusCondition(conditions, { type: 'Progressing', status: 'True', reason: 'Rolling', message: '' });
    assert.equal(findStatusCondition(conditions, 'Progressing')?.reason, 'Rolling');
    assert.equal(findStatusCondition(undefined, 'Progressing'), undefined);
    assert.equal(isStatusConditionTrue(conditions, 'Progressing'), true);
    assert.equal(isStatusConditionTrue(conditions, 'Available'), false);
    assert.equal(removeStatusCondition(conditions, 'Progressing'), true);
    assert.equal(removeStatusCondition(conditions, 'Progressing'), false);
  });
});
