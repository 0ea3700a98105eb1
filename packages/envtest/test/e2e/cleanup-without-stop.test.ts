import { describe, it } from 'node:test';
import { assertCleanupWithoutStop } from '../support/abandon-control-plane.js';

describe('a simulated cluster whose test process is killed', () => {
  it('leaves none of its five components and no directory behind after SIGKILL', async () => {
    await assertCleanupWithoutStop(1, 5, 'SIGKILL');
  });
});
