import { describe, it } from 'node:test';
import { assertCleanupAfterKill } from '../support/kill-test-process.js';

void describe('a control plane whose test process is killed', () => {
  void it('leaves neither etcd nor kube-apiserver nor its directory behind after SIGKILL', async () => {
    await assertCleanupAfterKill(0, 2);
  });
});
