import { performance } from 'node:perf_hooks';
import type { KubeHttp } from './kube-http.js';

/** The label the secret mirror selects. */
export const mirrorLabel = { 'spoke.dev/mirror': 'true' } as const;

/** How big each ConfigMap is, as JSON sent to the API server. */
export const configMapBytes = 300;

/** The name of the i-th ConfigMap (and of its Secret). */
export function configMapName(i: number): string {
  return `cm-${String(i).padStart(5, '0')}`;
}

interface ConfigMapBody {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  data: Record<string, string>;
}

/** The i-th ConfigMap: one data key, padded so that the JSON body is exactly {@link configMapBytes} long. */
export function configMapBody(namespace: string, i: number, labelled: boolean): ConfigMapBody {
  const body: ConfigMapBody = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(i), namespace, ...(labelled ? { labels: { ...mirrorLabel } } : {}) },
    data: { 'settings.conf': '' },
  };
  const padding = configMapBytes - JSON.stringify(body).length;
  if (padding < 0) throw new Error(`a ConfigMap body is over ${configMapBytes} bytes before any data`);
  body.data['settings.conf'] = 'x'.repeat(padding);
  return body;
}

/** Runs `task(0..n-1)` with at most `concurrency` in flight; rejects on the first failure. */
export async function forEachConcurrently(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** Creates ConfigMaps 0..n-1 at `concurrency`; returns when the first create was sent (performance.now()). */
export async function createConfigMaps(
  http: KubeHttp,
  namespace: string,
  n: number,
  options: { readonly labelled: boolean; readonly concurrency: number },
): Promise<number> {
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  const start = performance.now();
  await forEachConcurrently(n, options.concurrency, async (i) => {
    await http.expect(201, 'POST', path, configMapBody(namespace, i, options.labelled));
  });
  return start;
}

/**
 * The raw floor: the driver itself does what the controllers do, without a framework: for each ConfigMap it
 * creates, it creates the Secret a mirror would (same data, base64, with the controller owner reference), all at
 * `concurrency`. Returns when the first create was sent.
 */
export async function writeConfigMapsAndSecrets(
  http: KubeHttp,
  namespace: string,
  n: number,
  concurrency: number,
): Promise<number> {
  const start = performance.now();
  await forEachConcurrently(n, concurrency, async (i) => {
    const body = configMapBody(namespace, i, true);
    const cm = (await http.expect(201, 'POST', `/api/v1/namespaces/${namespace}/configmaps`, body)) as {
      metadata: { uid: string };
    };
    await http.expect(201, 'POST', `/api/v1/namespaces/${namespace}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: body.metadata.name,
        namespace,
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: body.metadata.name,
            uid: cm.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: Object.fromEntries(
        Object.entries(body.data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
    });
  });
  return start;
}

/**
 * Watches the Secrets of a namespace from the harness and notes when each name was first seen: the end of a
 * converge run is the moment the last expected Secret is observed, by the same observer for every contender.
 */
export class SecretObserver {
  private readonly seen = new Map<string, number>();
  private readonly stop = new AbortController();

  private constructor() {}

  static async start(http: KubeHttp, namespace: string): Promise<SecretObserver> {
    const observer = new SecretObserver();
    await observer.listAndWatch(http, namespace);
    return observer;
  }

  /**
   * Times the watch had to be started again (kube-apiserver ended it: a busy client falls behind). Secrets that only
   * the new LIST showed are timed at that LIST, later than they appeared: a converge time with relists is an upper
   * bound.
   */
  relists = 0;

  private async listAndWatch(http: KubeHttp, namespace: string): Promise<void> {
    const list = (await http.expect(200, 'GET', `/api/v1/namespaces/${namespace}/secrets`)) as {
      metadata: { resourceVersion: string };
      items: { metadata: { name: string } }[];
    };
    const now = performance.now();
    for (const s of list.items) if (!this.seen.has(s.metadata.name)) this.seen.set(s.metadata.name, now);
    await http.watch(
      `/api/v1/namespaces/${namespace}/secrets?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
      (event) => {
        const name = (event.object as { metadata?: { name?: string } }).metadata?.name;
        if (event.type === 'ADDED' && name && !this.seen.has(name)) this.seen.set(name, performance.now());
      },
      this.stop.signal,
      () => {
        this.relists++;
        this.listAndWatch(http, namespace).catch(() => {
          // The next waitForCount times out and says how many were seen.
        });
      },
    );
  }

  get count(): number {
    return this.seen.size;
  }

  /**
   * Resolves with the time the n-th Secret was seen (performance.now()), once n have been seen. Fails after
   * `timeoutMs`, or sooner when none has come for `stallMs` (a stuck run, to be tried again rather than waited out).
   */
  async waitForCount(
    n: number,
    timeoutMs: number,
    abortReason?: () => Error | undefined,
    stallMs = 120_000,
  ): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let lastCount = this.seen.size;
    let lastGrowth = performance.now();
    while (this.seen.size < n) {
      const reason = abortReason?.();
      if (reason) throw reason;
      const now = performance.now();
      if (this.seen.size > lastCount) [lastCount, lastGrowth] = [this.seen.size, now];
      if (now > deadline || now - lastGrowth > stallMs) {
        throw new Error(
          `${now > deadline ? `timed out after ${timeoutMs} ms` : `no new Secret for ${stallMs} ms`} with ` +
            `${this.seen.size} of ${n} Secrets observed (${this.relists} relists)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Math.max(...this.seen.values());
  }

  close(): void {
    this.stop.abort();
  }
}

/**
 * Checks the outcome, so that a fast wrong answer can't pass as a fast one: `n` Secrets, each with the data of its
 * ConfigMap and a controller owner reference to it.
 */
export async function verifyMirrored(http: KubeHttp, namespace: string, n: number): Promise<void> {
  const list = (await http.expect(200, 'GET', `/api/v1/namespaces/${namespace}/secrets`)) as {
    items: {
      metadata: { name: string; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
      data?: Record<string, string>;
    }[];
  };
  if (list.items.length !== n) throw new Error(`expected ${n} Secrets, found ${list.items.length}`);
  for (const s of list.items) {
    const i = Number(s.metadata.name.slice(3));
    const expected = configMapBody(namespace, i, true).data;
    const owner = s.metadata.ownerReferences?.find((o) => o.controller);
    const data = Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    if (
      owner?.kind !== 'ConfigMap' ||
      owner.name !== s.metadata.name ||
      JSON.stringify(data) !== JSON.stringify(expected)
    ) {
      throw new Error(
        `Secret ${s.metadata.name} is not a mirror of its ConfigMap: ${JSON.stringify(s).slice(0, 400)}`,
      );
    }
  }
}
