import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import winston from 'winston';
import { SharedInformerCache } from '../../../src/cache/shared-informer-cache.js';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { newLogger } from '../../../src/log/new-logger.js';
import { waitFor } from '../../support/wait-for.js';

/** A kubeconfig whose server refuses connections: informers never sync, which is all these tests need. */
function unreachable(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'nowhere', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'nowhere', cluster: 'nowhere', user: 'nobody' }],
    currentContext: 'nowhere',
  });
  return kc;
}

/** A started cache with one ConfigMap informer, and the messages it logs. */
function cacheWithLog(readYourWritesTimeoutMs: number) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const cache = new SharedInformerCache({
    kubeConfig: unreachable(),
    readYourWritesTimeoutMs,
    logger: newLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }),
    onError: () => undefined,
  });
  cache.getInformer(ConfigMap);
  const stop = new AbortController();
  const running = cache.start(stop.signal);
  return { cache, lines, stop, running };
}

describe('SharedInformerCache (without an API server)', () => {
  it('ends pending writes when it stops: no read-your-writes timer fires after the stop', async () => {
    const stopped = cacheWithLog(100);
    const control = cacheWithLog(100);
    try {
      const write = { namespace: 'ns', name: 'a', resourceVersion: '7', deleted: false };
      // Recorded first in the cache that stops: its timer would fire first.
      stopped.cache.recordWrite(ConfigMap, write);
      control.cache.recordWrite(ConfigMap, write);
      stopped.stop.abort();
      await stopped.running;
      await waitFor('the control cache to time the write out', () =>
        control.lines.some((l) => l.includes('did not show a write in time')),
      );
      assert.deepEqual(
        stopped.lines.filter((l) => l.includes('did not show a write in time')),
        [],
        'nothing of the stopped cache runs on after it',
      );
    } finally {
      control.stop.abort();
      await control.running;
    }
  });
});
