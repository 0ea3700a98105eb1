import { describe, it } from 'node:test';
import { assertCleanupWithoutStop } from '../support/abandon-control-plane.js';

describe('a control plane whose test process never calls stop()', () => {
  it('leaves neither etcd nor kube-apiserver nor its directory behind after SIGKILL', async () => {
    await assertCleanupWithoutStop(0, 2, 'SIGKILL');
  });

  it('does not keep the process alive, and is cleaned up when it exits', async () => {
    await assertCleanupWithoutStop(0, 2, 'exit');
  });
});
