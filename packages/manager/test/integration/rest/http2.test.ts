import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import { ControlPlane } from '@spoke/envtest';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { loadKubeConfig } from '../../../src/kubeconfig/load-kube-config.js';
import { RestClient } from '../../../src/rest/rest-client.js';

/** Node's own count of the HTTP/2 streams this process opened: the witness of which protocol a request used. */
class Http2Streams {
  count = 0;
  readonly #onStream = (): void => {
    this.count++;
  };
  constructor() {
    subscribe('http2.client.stream.created', this.#onStream);
  }
  close(): void {
    unsubscribe('http2.client.stream.created', this.#onStream);
  }
}

// The option applies to Spoke's kubeconfig (client-node's is always HTTP/1.1), as the manager loads it.
describe('RestClient http2 option against kube-apiserver', () => {
  let env: ControlPlane;
  let streams: Http2Streams;

  before(async () => {
    env = await ControlPlane.start();
    streams = new Http2Streams();
  });
  after(async () => {
    streams.close();
    await env.stop();
  });

  const create = (rest: RestClient, name: string) =>
    rest.request<{ metadata?: { name?: string; resourceVersion?: string } }>({
      verb: 'create',
      method: 'POST',
      kind: ConfigMap,
      namespace: 'default',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } },
    });

  it('speaks HTTP/1.1 by default', async () => {
    const rest = new RestClient(loadKubeConfig(env.kubeconfigPath));
    try {
      const before = streams.count;
      const created = await create(rest, 'h1-default');
      assert.equal(created.metadata?.name, 'h1-default');
      assert.equal(streams.count, before);
    } finally {
      await rest.close();
    }
  });

  it('with http2, sends requests that complete over HTTP/2 and keeps watches on HTTP/1.1', async () => {
    const rest = new RestClient(loadKubeConfig(env.kubeconfigPath), { http2: true });
    try {
      const before = streams.count;
      const created = await create(rest, 'h2-created');
      const got = await rest.request<{ data?: Record<string, string> }>({
        verb: 'get',
        method: 'GET',
        kind: ConfigMap,
        namespace: 'default',
        name: 'h2-created',
      });
      assert.deepEqual(got.data, { a: '1' });
      assert.equal(streams.count, before + 2);

      const watch = await rest.stream({
        verb: 'watch',
        method: 'GET',
        kind: ConfigMap,
        namespace: 'default',
        query: { watch: 'true', resourceVersion: created.metadata?.resourceVersion ?? '0' },
      });
      try {
        const event = new Promise<string>((resolve, reject) => {
          let text = '';
          watch.body.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (text.includes('\n')) resolve(text);
          });
          watch.body.on('error', reject);
        });
        const afterWatch = streams.count;
        await create(rest, 'h2-watched');
        const line = await event;
        assert.match(line, /"name":"h2-watched"/);
        // The create was the only HTTP/2 stream: the watch opened none.
        assert.equal(streams.count, afterWatch + 1);
        assert.equal(afterWatch, before + 2);
      } finally {
        watch.close();
      }
    } finally {
      await rest.close();
    }
  });
});
