import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { V1ConfigMap, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { ControlPlane } from '@spoke/envtest';
import {
  ConfigMap,
  Deployment,
  EndpointSlice,
  KubeClient,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Service,
  StatefulSet,
  selectorStringFromSet,
} from '@spoke/manager';
import {
  backendsOf,
  type BackendStatus,
  configMapOfDeployment,
  MemcachedKind,
  newestConfigMap,
  selectorLabels,
  SettleMs,
  type Memcached,
} from '@spoke/memcached-operator';
import { readAuditLog, writeVerbs, type AuditedRequest } from '../support/audit-log.js';
import { eventually } from './support/eventually.js';
import { OperatorProcess } from './support/operator-process.js';

const crdDir = fileURLToPath(new URL('../../../config/crd/bases', import.meta.url));
const webhookDir = fileURLToPath(new URL('../../../config/webhook', import.meta.url));
const namespace = 'e2e-memcached';
const name = 'web';
const key = { namespace, name };

let env: ControlPlane;
let client: KubeClient;
let operator: OperatorProcess;
let operatorKubeconfig: string;

/** The operator runs as its own user, so that the audit log tells its writes from the test's. */
const operatorUser = 'memcached-operator-e2e';

/**
 * kube-apiserver audits every write (who, what, when, with what result), and keeps the body of each ConfigMap
 * created in the test's namespace: the witness of what the operator wrote, outside the operator.
 */
const auditPolicy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    {
      level: 'Request',
      verbs: ['create'],
      resources: [{ group: '', resources: ['configmaps'] }],
      namespaces: [namespace],
    },
    { level: 'Metadata', verbs: [...writeVerbs] },
    { level: 'None' },
  ],
};

/** The operator's writes that kube-apiserver received since `since` (ms since the epoch), events included. */
async function operatorWritesSince(since: number): Promise<AuditedRequest[]> {
  const { requests } = await readAuditLog(env.auditLogPath ?? '');
  return requests.filter((r) => r.user === operatorUser && writeVerbs.has(r.verb) && r.receivedAt >= since);
}

const describeWrites = (writes: readonly AuditedRequest[]): string[] =>
  writes.map((w) => `${w.verb} ${w.resource} ${w.namespace}/${w.name} → ${w.code ?? '-'}`);

/** The proxy ConfigMaps the operator created since `since`, with the servers each lists, oldest first. */
async function configMapsCreatedSince(
  since: number,
): Promise<{ name: string; backends: BackendStatus[]; at: number }[]> {
  return (await operatorWritesSince(since))
    .filter((r) => r.verb === 'create' && r.resource === 'configmaps' && r.code === 201)
    .map((r) => {
      const body = r.requestObject as V1ConfigMap | undefined;
      return { name: body?.metadata?.name ?? '', backends: backendsOf(body), at: r.receivedAt };
    });
}

/** The controllers' names, as the manager reports them in its metrics. */
const allControllers = [
  'memcached',
  'memcached-services',
  'proxy-config',
  'proxy-rollout',
  'memcached-status',
];

async function memcached(): Promise<Memcached> {
  const mc = await client.get(MemcachedKind, key);
  assert.ok(mc, 'the Memcached exists');
  return mc;
}

async function configMaps(): Promise<V1ConfigMap[]> {
  return client.list(ConfigMap, {
    namespace,
    labelSelector: selectorStringFromSet(selectorLabels(name, 'proxy-config')),
  });
}

/** The Memcached's status says everything matches its spec: Available, not Progressing, for this generation. */
function converged(mc: Memcached): boolean {
  const c = (type: string) => mc.status?.conditions?.find((x) => x.type === type)?.status;
  return (
    mc.status?.observedGeneration === mc.metadata?.generation &&
    c('Available') === 'True' &&
    c('Progressing') === 'False'
  );
}

/**
 * Waits for the whole chain: servers ready, newest ConfigMap listing `servers` (and not `replacing`), proxy rolled
 * to it, status converged.
 */
async function waitForConverged(
  servers: number,
  what: string,
  replacing?: V1ConfigMap,
): Promise<{ mc: Memcached; configMap: V1ConfigMap }> {
  try {
    return await eventually(
      what,
      async () => {
        const mc = await memcached();
        const configMap = newestConfigMap(await configMaps());
        const deployment = await client.get(Deployment, { namespace, name: `${name}-proxy` });
        if (!configMap || backendsOf(configMap).length !== servers) return false;
        if (replacing && configMap.metadata?.name === replacing.metadata?.name) return false;
        if (configMapOfDeployment(deployment) !== configMap.metadata?.name) return false;
        return converged(mc) && mc.status?.configMap === configMap.metadata?.name && { mc, configMap };
      },
      90_000,
    );
  } catch (err) {
    // Say what the cluster looked like, so that a timeout in CI can be understood from its log alone.
    const pods = await client.list(Pod, {
      namespace,
      labelSelector: selectorStringFromSet(selectorLabels(name, 'server')),
    });
    const state = {
      status: (await memcached()).status,
      configMaps: (await configMaps()).map((cm) => ({ name: cm.metadata?.name, backends: backendsOf(cm) })),
      proxyTemplate: configMapOfDeployment(
        await client.get(Deployment, { namespace, name: `${name}-proxy` }),
      ),
      pods: pods.map(
        (p) =>
          `${p.metadata?.name ?? ''} ${p.spec?.nodeName ?? '-'} ${p.status?.podIP ?? '-'} ${p.status?.phase ?? ''} ` +
          `ready=${p.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '?'}`,
      ),
      endpoints: (
        await client.list(EndpointSlice, { namespace, labelSelector: `kubernetes.io/service-name=${name}` })
      ).flatMap((slice) =>
        (slice.endpoints ?? []).map(
          (e) => `${e.targetRef?.name ?? '?'} ${e.addresses.join(',')} ready=${String(e.conditions?.ready)}`,
        ),
      ),
    };
    throw new Error(
      `${String(err)}\nstate: ${JSON.stringify(state, null, 1)}\noperator log:\n${operator.logTail(30)}`,
    );
  }
}

/** The address (`ip:port`) a proxy config lists for a server. */
function addressIn(configMap: V1ConfigMap | undefined, server: string): string | undefined {
  return backendsOf(configMap).find((b) => b.name === server)?.address;
}

/** The IP a proxy config lists for a server. */
function ipIn(configMap: V1ConfigMap | undefined, server: string): string | undefined {
  return addressIn(configMap, server)?.replace(/:\d+$/, '');
}

/** Asserts that the twemproxy config has the line for `server` at the address the ConfigMap lists for it. */
function assertTwemproxyServerLine(configMap: V1ConfigMap, server: string): void {
  const address = addressIn(configMap, server) ?? '-';
  assert.match(
    configMap.data?.['nutcracker.yml'] ?? '',
    new RegExp(`${address.replaceAll('.', '\\.')}:1 ${server}\n`),
  );
}

async function proxyDeployment(): Promise<V1Deployment | undefined> {
  return client.get(Deployment, { namespace, name: `${name}-proxy` });
}

/**
 * Waits until the StatefulSet has replaced the pod `old` (same name, new uid) and the servers' EndpointSlice lists
 * the replacement as ready; returns its node, its address and when it was seen ready.
 */
async function readyReplacement(
  pod: string,
  old: V1Pod | undefined,
): Promise<{ node: string; address: string; readyAt: number }> {
  return eventually(`${pod} to be replaced and its endpoint ready`, async () => {
    const current = await client.get(Pod, { namespace, name: pod });
    const uid = current?.metadata?.uid;
    if (!uid || uid === old?.metadata?.uid) return false;
    const slices = await client.list(EndpointSlice, {
      namespace,
      labelSelector: `kubernetes.io/service-name=${name}`,
    });
    const endpoint = slices
      .flatMap((s) => s.endpoints ?? [])
      .find((e) => e.targetRef?.uid === uid && e.conditions?.ready === true);
    const address = endpoint?.addresses[0];
    if (!address) return false;
    return { node: current.spec?.nodeName ?? '', address, readyAt: Date.now() };
  });
}

/**
 * Asserts what the operator did about a server pod deleted at `deletedAt` whose replacement was seen ready at
 * `readyAt`, from the ConfigMaps it created (audit log) and the proxy's rollouts (Deployment generations), whichever
 * way the timing fell. Back within the settle window: the operator waited for it, so no config ever left it out, and
 * there is one new config and one rollout if its address changed, none if not. Back later: the operator left it out
 * once, not before the settle window had passed, and took it back when it was ready: two rollouts.
 */
async function assertReplacementRollouts(
  pod: string,
  times: { deletedAt: number; readyAt: number },
  generationBefore: number,
  moved: boolean,
  t: { diagnostic(message: string): void },
): Promise<void> {
  const created = await configMapsCreatedSince(times.deletedAt);
  const rollouts = ((await proxyDeployment())?.metadata?.generation ?? 0) - generationBefore;
  const without = created.filter((c) => !c.backends.some((b) => b.name === pod));
  const story = `ConfigMaps created: ${JSON.stringify(created.map((c) => ({ ...c, at: c.at - times.deletedAt })))}; rollouts ${rollouts}`;
  t.diagnostic(`${pod} back after ${times.readyAt - times.deletedAt} ms: ${story}`);
  if (without.length === 0) {
    // Waited for it: then it was back well within the window (the margin covers the operator's reaction).
    assert.ok(
      times.readyAt - times.deletedAt < SettleMs + 10_000,
      `the config kept ${pod} past the settle window: ${story}`,
    );
    assert.equal(created.length, moved ? 1 : 0, `new configs: ${story}`);
    assert.equal(rollouts, moved ? 1 : 0, `proxy rollouts: ${story}`);
  } else {
    assert.equal(without.length, 1, `configs without ${pod}: ${story}`);
    const droppedAfter = (without[0]?.at ?? 0) - times.deletedAt;
    assert.ok(
      droppedAfter >= SettleMs,
      `${pod} left out ${droppedAfter} ms after the delete, within the settle window`,
    );
    // Left out, then back: under a new address a new config, under the old one the earlier config promoted again.
    assert.equal(created.length, moved ? 2 : 1, `new configs: ${story}`);
    assert.equal(rollouts, 2, `proxy rollouts: ${story}`);
  }
}

/** Where envtest expects the webhook server: the operator's --webhook-host/-port/-cert-path. */
function webhookServing(): { host: string; port: number; certDir: string } {
  const serving = env.webhookInstallOptions;
  assert.ok(serving, 'envtest set up no webhook serving certificate');
  return {
    host: serving.localServingHost,
    port: serving.localServingPort,
    certDir: serving.localServingCertDir,
  };
}

describe('memcached operator on the simulated cluster', () => {
  before(async () => {
    // With the webhooks: the test writes v1alpha1, which the API server converts to v1beta1 (the storage version
    // the operator reads) through the operator's own webhook server, and defaults and validates there.
    env = await ControlPlane.start({
      nodes: 2,
      crdPaths: [crdDir],
      auditPolicy,
      webhookInstallOptions: { paths: [webhookDir] },
    });
    client = new KubeClient({ kubeConfig: env.kubeConfig });
    await client.create(Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    operatorKubeconfig = join(env.dir, 'operator.kubeconfig');
    const identity = env.userKubeConfig({ name: operatorUser, groups: ['system:masters'] });
    writeFileSync(operatorKubeconfig, identity.exportConfig(), { mode: 0o600 });
    operator = await OperatorProcess.start(operatorKubeconfig, `${env.dir}/operator.log`, {
      webhook: webhookServing(),
    });
  });

  let failed = false;
  afterEach((t) => {
    if ('passed' in t && !t.passed) failed = true;
  });

  after(async () => {
    await operator.stop();
    if (failed) {
      // stop() removes the directory: keep the component logs and the operator's log for the post-mortem.
      const kept = mkdtempSync(join(process.env.SPOKE_E2E_LOGS ?? tmpdir(), 'spoke-e2e-failed-'));
      cpSync(join(env.dir, 'logs'), join(kept, 'logs'), { recursive: true });
      cpSync(join(env.dir, 'operator.log'), join(kept, 'operator.log'));
      console.error(`# e2e failed: component and operator logs kept in ${kept}`);
    }
    await env.stop();
  });

  it('turns a 3-server Sharded Memcached into a StatefulSet, 3 Running pods, a 3-server config and a proxy on it, Available', async (t) => {
    const started = Date.now();
    await client.create(MemcachedKind, {
      apiVersion: MemcachedKind.apiVersion,
      kind: MemcachedKind.kind,
      metadata: { name, namespace },
      spec: { replicas: 3, topology: 'Sharded', proxy: { engine: 'Twemproxy', replicas: 2 } },
    });
    const available = await eventually('Available=True', async () => {
      const mc = await memcached();
      return mc.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    });
    const availableMs = Date.now() - started;
    const { mc, configMap } = await waitForConverged(3, 'the 3-server Memcached to converge');
    t.diagnostic(`create → Available: ${availableMs} ms; create → converged: ${Date.now() - started} ms`);
    assert.ok(available);

    const sts = await client.get(StatefulSet, key);
    assert.equal(sts?.spec?.replicas, 3);
    const pods = await client.list(Pod, {
      namespace,
      labelSelector: selectorStringFromSet(selectorLabels(name, 'server')),
    });
    assert.deepEqual(pods.map((p) => `${p.metadata?.name}:${p.status?.phase}`).sort(), [
      'web-0:Running',
      'web-1:Running',
      'web-2:Running',
    ]);
    assert.deepEqual(
      backendsOf(configMap).map((b) => b.name),
      ['web-0', 'web-1', 'web-2'],
    );
    assert.match(configMap.data?.['nutcracker.yml'] ?? '', /distribution: ketama/);
    assert.equal(configMap.immutable, true);
    assert.equal(mc.status?.readyReplicas, 3);
    assert.deepEqual(mc.status.proxy, { replicas: 2, updatedReplicas: 2, readyReplicas: 2 });
    assert.equal((await client.get(Service, key))?.spec?.clusterIP, 'None');
    assert.ok(await client.get(Service, { namespace, name: `${name}-proxy` }));
  });

  it('scales to 5 through the scale subresource: one new ConfigMap, one proxy rollout, the old ConfigMap deleted after it', async (t) => {
    const old = newestConfigMap(await configMaps());
    const deploymentBefore = await client.get(Deployment, { namespace, name: `${name}-proxy` });
    const started = Date.now();
    await client.patch(MemcachedKind, key, { type: 'merge', body: { spec: { replicas: 5 } } });

    const { configMap } = await waitForConverged(5, 'the 5-server config to be rolled out', old);
    assert.notEqual(configMap.metadata?.name, old?.metadata?.name);
    assert.deepEqual(
      backendsOf(configMap).map((b) => b.name),
      ['web-0', 'web-1', 'web-2', 'web-3', 'web-4'],
    );
    await eventually(
      'the old ConfigMap to be deleted',
      async () => !(await configMaps()).some((cm) => cm.metadata?.name === old?.metadata?.name),
    );
    const elapsed = Date.now() - started;
    const writes = await operatorWritesSince(started);
    const deploymentAfter = await client.get(Deployment, { namespace, name: `${name}-proxy` });
    t.diagnostic(
      `scale 3 → 5: converged and old config deleted in ${elapsed} ms; operator writes: ${describeWrites(writes).join(', ')}`,
    );

    // One config and one rollout per scale event: the servers' start is waited for, not published pod by pod. The
    // audit log counts the ConfigMaps created, not only those left at the end.
    assert.deepEqual(
      (await configMapsCreatedSince(started)).map((c) => c.backends.map((b) => b.name)),
      [['web-0', 'web-1', 'web-2', 'web-3', 'web-4']],
      'ConfigMaps created for the scale event',
    );
    assert.equal((await configMaps()).length, 1);
    assert.equal(
      (deploymentAfter?.metadata?.generation ?? 0) - (deploymentBefore?.metadata?.generation ?? 0),
      1,
    );
  });

  it('replaces a deleted server pod: the config follows its address under the same name; a new config and a rollout only if the address changed', async (t) => {
    const before = newestConfigMap(await configMaps());
    const generationBefore = (await proxyDeployment())?.metadata?.generation ?? 0;
    const old = await client.get(Pod, { namespace, name: 'web-1' });
    assert.equal(ipIn(before, 'web-1'), old?.status?.podIP);
    const deletedAt = Date.now();
    await client.delete(Pod, { namespace, name: 'web-1' });

    // kwok hands a deleted pod's address to the next pod on that node (its IPAM recycles freed addresses, as CNI
    // plugins may), so the replacement can come back at the very address it had: then the endpoints are what they
    // were, and so is the content-addressed config. Which case this is, is read from the cluster, not assumed.
    const replacement = await readyReplacement('web-1', old);
    t.diagnostic(
      `web-1 replaced: ${old?.spec?.nodeName ?? '?'} ${old?.status?.podIP ?? '?'} → ${replacement.node} ` +
        `${replacement.address}, endpoint ready ${replacement.readyAt - deletedAt} ms after the delete`,
    );
    const moved = replacement.address !== old?.status?.podIP;
    const { configMap } = moved
      ? await waitForConverged(5, `a config with web-1 at ${replacement.address}`, before)
      : await waitForConverged(5, 'the unchanged config');
    assert.deepEqual(
      backendsOf(configMap).map((b) => b.name),
      backendsOf(before).map((b) => b.name),
    );
    assert.equal(ipIn(configMap, 'web-1'), replacement.address);
    assertTwemproxyServerLine(configMap, 'web-1');
    if (moved) assert.notEqual(configMap.metadata?.name, before?.metadata?.name);
    else assert.equal(configMap.metadata?.name, before?.metadata?.name, 'same endpoints, same config');
    await assertReplacementRollouts(
      'web-1',
      { deletedAt, readyAt: replacement.readyAt },
      generationBefore,
      moved,
      t,
    );
  });

  it('moves a server pod to another node: a new config with its new address under the same name, and one rollout', async (t) => {
    const before = newestConfigMap(await configMaps());
    const generationBefore = (await proxyDeployment())?.metadata?.generation ?? 0;
    const old = await client.get(Pod, { namespace, name: 'web-2' });
    const from = old?.spec?.nodeName;
    const oldAddress = old?.status?.podIP;
    assert.ok(from && oldAddress, 'web-2 runs on a node, with an address');
    assert.equal(ipIn(before, 'web-2'), oldAddress);
    // Cordoned, its node takes no new pod: the replacement lands on the other node, whose pod CIDR is another /24,
    // so its address is bound to differ, every run.
    await client.patch(Node, { name: from }, { type: 'merge', body: { spec: { unschedulable: true } } });
    try {
      const deletedAt = Date.now();
      await client.delete(Pod, { namespace, name: 'web-2' });
      const replacement = await readyReplacement('web-2', old);
      t.diagnostic(
        `web-2 moved: ${from} ${oldAddress} → ${replacement.node} ${replacement.address}, ` +
          `endpoint ready ${replacement.readyAt - deletedAt} ms after the delete`,
      );
      assert.notEqual(replacement.node, from);
      assert.notEqual(replacement.address, oldAddress);

      const { configMap } = await waitForConverged(
        5,
        `a config with web-2 at ${replacement.address}`,
        before,
      );
      assert.notEqual(configMap.metadata?.name, before?.metadata?.name);
      assert.deepEqual(
        backendsOf(configMap).map((b) => b.name),
        backendsOf(before).map((b) => b.name),
      );
      assert.equal(ipIn(configMap, 'web-2'), replacement.address);
      assertTwemproxyServerLine(configMap, 'web-2');
      await assertReplacementRollouts(
        'web-2',
        { deletedAt, readyAt: replacement.readyAt },
        generationBefore,
        true,
        t,
      );
    } finally {
      await client.patch(Node, { name: from }, { type: 'merge', body: { spec: { unschedulable: false } } });
    }
  });

  it('follows a switch to Replicated behind mcrouter with a new config and a rollout', async () => {
    const sharded = newestConfigMap(await configMaps());
    await client.patch(MemcachedKind, key, {
      type: 'merge',
      body: { spec: { topology: 'Replicated', proxy: { engine: 'Mcrouter' } } },
    });
    const { configMap } = await waitForConverged(
      5,
      'the Replicated mcrouter config to be rolled out',
      sharded,
    );
    const config = JSON.parse(configMap.data?.['mcrouter.json'] ?? '{}') as {
      route?: { default_policy?: string };
    };
    assert.equal(config.route?.default_policy, 'AllSyncRoute|Pool|memcached');
    const deployment = await client.get(Deployment, { namespace, name: `${name}-proxy` });
    assert.equal(deployment?.spec?.template.spec?.containers[0]?.command?.[0], 'mcrouter');
  });

  it('writes nothing once converged: not on a metadata-only change, not after a manager restart', async (t) => {
    await waitForConverged(5, 'convergence');
    await eventually('the operator to be idle', () => operator.idle());
    const reconcilesBefore = await operator.reconciles();
    const changedAt = Date.now();
    await client.patch(MemcachedKind, key, {
      type: 'merge',
      body: { metadata: { annotations: { 'e2e.spoke.dev/touched': String(changedAt) } } },
    });
    // The controllers without a generation predicate see the change: each must have reconciled it (the reconcile
    // ran, and found nothing to do) before "no write" means anything.
    const watchers = ['proxy-config', 'proxy-rollout', 'memcached-status'];
    await eventually('a reconcile of the change by every controller that sees it, then idle', async () => {
      const now = await operator.reconciles();
      const ran = watchers.every((c) => (now.get(c) ?? 0) > (reconcilesBefore.get(c) ?? 0));
      return ran && (await operator.idle());
    });
    assert.deepEqual(describeWrites(await operatorWritesSince(changedAt)), [], 'writes after a no-op change');

    await operator.stop();
    const restartedAt = Date.now();
    operator = await OperatorProcess.start(operatorKubeconfig, `${env.dir}/operator.log`, {
      webhook: webhookServing(),
    });
    // Every object is replayed to every controller on start: each reconciles web, then has nothing left to do.
    const reconciled = await eventually(
      'every controller to reconcile after the restart, then idle',
      async () => {
        const now = await operator.reconciles();
        return allControllers.every((c) => (now.get(c) ?? 0) >= 1) && (await operator.idle()) && now;
      },
    );
    t.diagnostic(`reconciles after a restart: ${JSON.stringify(Object.fromEntries(reconciled))}`);
    assert.deepEqual(
      describeWrites(await operatorWritesSince(restartedAt)),
      [],
      `writes after a restart:\n${operator.logTail()}`,
    );
  });

  it('garbage-collects everything it created when the Memcached is deleted', async () => {
    await client.delete(MemcachedKind, key);
    const owned = async () =>
      [
        ...(await client.list(StatefulSet, { namespace })),
        ...(await client.list(Deployment, { namespace })),
        ...(await client.list(ReplicaSet, { namespace })),
        ...(await client.list(Service, { namespace })),
        ...(await configMaps()),
      ].map((o) => `${o.kind ?? ''}/${o.metadata?.name ?? ''}`);
    await eventually(
      'the owned objects to be gone',
      async () => (await owned()).length === 0 || undefined,
      60_000,
    );
  });
});
