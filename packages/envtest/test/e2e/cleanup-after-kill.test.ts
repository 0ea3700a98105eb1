import { describe, it } from 'node:test';
import { assertCleanupAfterKill } from '../support/kill-test-process.js';

void describe('a simulated cluster whose test process is killed', () => {
  void it('leaves none of its five components and no directory behind after SIGKILL', async () => {
    await assertCleanupAfterKill(1, 5);
  });
});
