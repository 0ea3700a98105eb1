import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  convertFromHub,
  convertToHub,
  V1beta1FieldsAnnotation,
} from '../../src/api/conversion/memcached-conversion.js';
import type { Memcached as MemcachedV1alpha1 } from '../../src/api/v1alpha1/index.js';
import { DefaultTwemproxyImage, DefaultMcrouterImage, type Memcached } from '../../src/api/v1beta1/index.js';
import { AllowCacheLossAnnotation } from '../../src/webhooks/index.js';
import { kubectl, kubectlOk, readFromEtcd } from '../support/kubectl.js';
import {
  crdDir,
  startWebhookCluster,
  waitForWebhooks,
  webhookDir,
  type WebhookCluster,
} from '../support/webhook-cluster.js';

const alpha = 'memcacheds.v1alpha1.cache.spoke.dev';
const beta = 'memcacheds.v1beta1.cache.spoke.dev';
const etcdKey = (name: string): string => `/registry/cache.spoke.dev/memcacheds/default/${name}`;

async function get<T>(kubeconfig: string, resource: string, name: string): Promise<T> {
  return JSON.parse(await kubectlOk(kubeconfig, ['get', resource, name, '-n', 'default', '-o', 'json'])) as T;
}

function v1alpha1(name: string, spec: MemcachedV1alpha1['spec']): string {
  return stringify({
    apiVersion: 'cache.spoke.dev/v1alpha1',
    kind: 'Memcached',
    metadata: { name, namespace: 'default' },
    spec,
  });
}

function v1beta1(name: string, spec: Memcached['spec'], annotations?: Record<string, string>): string {
  return stringify({
    apiVersion: 'cache.spoke.dev/v1beta1',
    kind: 'Memcached',
    metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec,
  });
}

describe('the Memcached webhooks, called by a real API server (envtest webhookInstallOptions)', () => {
  let cluster: WebhookCluster;
  let kc: string;

  before(async () => {
    cluster = await startWebhookCluster();
    kc = cluster.env.kubeconfigPath;
  });
  after(() => cluster.stop());

  it('stores a v1alpha1 object created with kubectl as v1beta1 (read from etcd), and reads it back the same in both versions', async () => {
    await kubectlOk(
      kc,
      ['create', '-f', '-'],
      v1alpha1('web', { replicas: 5, memoryMB: 128, proxy: { engine: 'Twemproxy' } }),
    );
    const stored = await readFromEtcd(cluster.env.etcdUrl, etcdKey('web'));
    assert.equal(stored?.['apiVersion'], 'cache.spoke.dev/v1beta1');
    assert.deepEqual(stored['spec'], {
      servers: { replicas: 5, image: 'memcached:1.6.38-alpine', memoryMB: 128 },
      topology: 'Sharded',
      proxy: { engine: 'Twemproxy', replicas: 2, image: DefaultTwemproxyImage },
    });

    const asAlpha = await get<MemcachedV1alpha1>(kc, alpha, 'web');
    const asBeta = await get<Memcached>(kc, beta, 'web');
    assert.equal(asAlpha.apiVersion, 'cache.spoke.dev/v1alpha1');
    assert.deepEqual(asAlpha.spec, {
      replicas: 5,
      image: 'memcached:1.6.38-alpine',
      memoryMB: 128,
      topology: 'Sharded',
      proxy: { engine: 'Twemproxy', replicas: 2, image: DefaultTwemproxyImage },
    });
    // v1alpha1 holds all of it: no annotation, and each read is the other converted.
    assert.equal(asAlpha.metadata?.annotations?.[V1beta1FieldsAnnotation], undefined);
    assert.deepEqual(convertToHub(asAlpha), asBeta);
    assert.deepEqual(convertFromHub(asBeta), asAlpha);

    const crd = JSON.parse(
      await kubectlOk(kc, ['get', 'crd', 'memcacheds.cache.spoke.dev', '-o', 'json']),
    ) as { status: { storedVersions: string[] } };
    assert.deepEqual(crd.status.storedVersions, ['v1beta1']);
  });

  it('keeps what v1alpha1 cannot hold through a v1alpha1 read and write', async () => {
    await kubectlOk(
      kc,
      ['create', '-f', '-'],
      v1beta1('big-items', { servers: { replicas: 4, memoryMB: 256, maxItemSizeKB: 4096 } }),
    );
    const asAlpha = await get<MemcachedV1alpha1>(kc, alpha, 'big-items');
    assert.equal(
      asAlpha.metadata?.annotations?.[V1beta1FieldsAnnotation],
      '{"servers":{"maxItemSizeKB":4096}}',
    );
    // A v1alpha1 client's full update (kubectl replace of what it read, one field changed).
    const edited = structuredClone(asAlpha);
    edited.spec = { ...edited.spec, replicas: 3 };
    await kubectlOk(kc, ['replace', '-f', '-'], JSON.stringify(edited));
    const stored = await readFromEtcd(cluster.env.etcdUrl, etcdKey('big-items'));
    assert.deepEqual((stored?.['spec'] as Memcached['spec'])?.servers, {
      replicas: 3,
      image: 'memcached:1.6.38-alpine',
      memoryMB: 256,
      maxItemSizeKB: 4096,
    });
    assert.equal((stored?.['metadata'] as { annotations?: object }).annotations, undefined);
  });

  it("fills in the defaulter's proxy image on create, in either version, and keeps one the user set", async () => {
    await kubectlOk(kc, ['create', '-f', '-'], v1alpha1('default-alpha', { proxy: { engine: 'Twemproxy' } }));
    await kubectlOk(kc, ['create', '-f', '-'], v1beta1('default-beta', {}));
    await kubectlOk(kc, ['create', '-f', '-'], v1beta1('own-image', { proxy: { image: 'my/mcrouter:1' } }));
    assert.equal(
      (await get<MemcachedV1alpha1>(kc, alpha, 'default-alpha')).spec?.proxy?.image,
      DefaultTwemproxyImage,
    );
    assert.equal((await get<Memcached>(kc, beta, 'default-beta')).spec?.proxy?.image, DefaultMcrouterImage);
    assert.equal((await get<Memcached>(kc, beta, 'own-image')).spec?.proxy?.image, 'my/mcrouter:1');
  });

  it("brings the validator's denial to kubectl with its message, in either version, and changes nothing", async () => {
    await kubectlOk(kc, ['create', '-f', '-'], v1beta1('shrink', { servers: { replicas: 10 } }));
    for (const [resource, patch] of [
      [beta, { spec: { servers: { replicas: 2 } } }],
      [alpha, { spec: { replicas: 2 } }],
    ] as const) {
      const result = await kubectl(kc, [
        'patch',
        resource,
        'shrink',
        '-n',
        'default',
        '--type=merge',
        '-p',
        JSON.stringify(patch),
      ]);
      assert.notEqual(result.code, 0, resource);
      assert.match(
        result.stderr,
        /admission webhook "vmemcached-v1beta1\.cache\.spoke\.dev" denied the request: scaling the servers from 10 to 2 drops the keys of 8 of them at once: scale down by at most half per step, or annotate the Memcached cache\.spoke\.dev\/allow-cache-loss=true/,
        resource,
      );
    }
    assert.equal((await get<Memcached>(kc, beta, 'shrink')).spec?.servers?.replicas, 10);
  });

  it("shows the validator's warnings for allowed but risky changes", async () => {
    await kubectlOk(kc, ['annotate', beta, 'shrink', '-n', 'default', `${AllowCacheLossAnnotation}=true`]);
    const scaled = await kubectl(kc, [
      'patch',
      beta,
      'shrink',
      '-n',
      'default',
      '--type=merge',
      '-p',
      '{"spec":{"servers":{"replicas":2}}}',
    ]);
    assert.equal(scaled.code, 0, scaled.stderr);
    assert.match(
      scaled.stderr,
      /Warning: scaling the servers from 10 to 2 drops the keys of 8 of them at once \(allowed by cache\.spoke\.dev\/allow-cache-loss\)/,
    );
    const switched = await kubectl(kc, [
      'patch',
      alpha,
      'shrink',
      '-n',
      'default',
      '--type=merge',
      '-p',
      '{"spec":{"topology":"Replicated"}}',
    ]);
    assert.equal(switched.code, 0, switched.stderr);
    assert.match(
      switched.stderr,
      /Warning: switching the topology from Sharded to Replicated re-maps every key: the cache starts cold/,
    );
    assert.equal((await get<Memcached>(kc, beta, 'shrink')).spec?.topology, 'Replicated');
  });

  it('keeps the static rules in the CRD (CEL), in the new version too', async () => {
    const result = await kubectl(
      kc,
      ['create', '-f', '-'],
      v1beta1('tiny', { servers: { memoryMB: 16, maxItemSizeKB: 9000 } }),
    );
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /spec\.servers\.maxItemSizeKB: Invalid value: .*maxItemSizeKB must be at most half of memoryMB/,
    );
  });
});

/** The CRD as it was before v1beta1: only v1alpha1, stored, no conversion (its schema is unchanged since). */
function v1alpha1OnlyCrd(): Record<string, unknown> {
  const crd = parse(readFileSync(join(crdDir, 'cache.spoke.dev_memcacheds.yaml'), 'utf8')) as {
    spec: { versions: { name: string; storage: boolean }[]; conversion?: unknown };
  };
  crd.spec.versions = crd.spec.versions
    .filter((v) => v.name === 'v1alpha1')
    .map((v) => ({ ...v, storage: true }));
  delete crd.spec.conversion;
  return crd;
}

describe('upgrading a cluster with v1alpha1 objects to v1beta1 and the webhooks', () => {
  let cluster: WebhookCluster;
  let kc: string;
  const scratch = mkdtempSync(join(tmpdir(), 'memcached-upgrade-'));

  before(async () => {
    writeFileSync(join(scratch, 'memcacheds.yaml'), stringify(v1alpha1OnlyCrd()));
    // The webhook server runs, but nothing calls it yet: the old CRD has no conversion and no webhook is installed.
    cluster = await startWebhookCluster({ crdPaths: [scratch], installWebhooks: false });
    kc = cluster.env.kubeconfigPath;
  });
  after(async () => {
    await cluster.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves the old objects in both versions, rewrites them as v1beta1, then drops v1alpha1 from storedVersions', async () => {
    await kubectlOk(kc, ['create', '-f', '-'], v1alpha1('old', { replicas: 2, topology: 'Replicated' }));
    assert.equal(
      (await readFromEtcd(cluster.env.etcdUrl, etcdKey('old')))?.['apiVersion'],
      'cache.spoke.dev/v1alpha1',
    );
    const before = await get<MemcachedV1alpha1>(kc, alpha, 'old');

    // The upgrade: the new CRD and the webhook configurations, pointed at this process's server as envtest does.
    const serving = cluster.env.webhookInstallOptions;
    assert.ok(serving);
    const clientConfig = (path: string) => ({
      url: `https://${serving.localServingHost}:${serving.localServingPort}${path}`,
      caBundle: Buffer.from(serving.caBundle).toString('base64'),
    });
    const crd = parse(readFileSync(join(crdDir, 'cache.spoke.dev_memcacheds.yaml'), 'utf8')) as {
      spec: { conversion: { webhook: { clientConfig: unknown } } };
    };
    crd.spec.conversion.webhook.clientConfig = clientConfig('/convert');
    const configurations = parseAllDocuments(readFileSync(join(webhookDir, 'manifests.yaml'), 'utf8')).map(
      (d) => {
        const config = d.toJS() as {
          webhooks: { clientConfig: { service?: { path: string }; url?: string } }[];
        };
        for (const webhook of config.webhooks)
          webhook.clientConfig = clientConfig(webhook.clientConfig.service?.path ?? '');
        return config;
      },
    );
    await kubectlOk(
      kc,
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      [crd, ...configurations].map((o) => `---\n${stringify(o)}`).join(''),
    );
    const storedVersions = async (): Promise<string[]> =>
      (
        JSON.parse(await kubectlOk(kc, ['get', 'crd', 'memcacheds.cache.spoke.dev', '-o', 'json'])) as {
          status: { storedVersions: string[] };
        }
      ).status.storedVersions;
    assert.deepEqual(await storedVersions(), ['v1alpha1', 'v1beta1']);

    // Untouched, the old object still reads the same in v1alpha1, and converts to v1beta1; etcd still holds v1alpha1.
    // (The v1alpha1 read may race the CRD's new storage version being served: poll for the v1beta1 read.)
    let asBeta: Memcached | undefined;
    for (let i = 0; i < 100 && asBeta === undefined; i++) {
      const result = await kubectl(kc, ['get', beta, 'old', '-n', 'default', '-o', 'json']);
      if (result.code === 0) asBeta = JSON.parse(result.stdout) as Memcached;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(asBeta?.spec?.servers, { replicas: 2, image: 'memcached:1.6.38-alpine', memoryMB: 64 });
    assert.deepEqual(await get<MemcachedV1alpha1>(kc, alpha, 'old'), before);
    assert.equal(
      (await readFromEtcd(cluster.env.etcdUrl, etcdKey('old')))?.['apiVersion'],
      'cache.spoke.dev/v1alpha1',
    );

    await waitForWebhooks(kc);
    // The migration (docs/upgrade.md): rewrite every object unchanged, which stores it in the new storage version...
    const list = JSON.parse(await kubectlOk(kc, ['get', beta, '-A', '-o', 'json'])) as { items: Memcached[] };
    for (const item of list.items) await kubectlOk(kc, ['replace', '-f', '-'], JSON.stringify(item));
    assert.equal(
      (await readFromEtcd(cluster.env.etcdUrl, etcdKey('old')))?.['apiVersion'],
      'cache.spoke.dev/v1beta1',
    );
    // ...then tell the API server no object is stored as v1alpha1 any more.
    await kubectlOk(kc, [
      'patch',
      'crd',
      'memcacheds.cache.spoke.dev',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"storedVersions":["v1beta1"]}}',
    ]);
    assert.deepEqual(await storedVersions(), ['v1beta1']);

    // The migrated object is what it was, and v1alpha1 clients keep reading and updating it.
    const after = await get<MemcachedV1alpha1>(kc, alpha, 'old');
    assert.deepEqual(after.spec, {
      ...before.spec,
      proxy: { ...before.spec?.proxy, image: DefaultMcrouterImage },
    });
    await kubectlOk(kc, [
      'patch',
      alpha,
      'old',
      '-n',
      'default',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":3}}',
    ]);
    assert.equal((await get<Memcached>(kc, beta, 'old')).spec?.servers?.replicas, 3);
  });
});
