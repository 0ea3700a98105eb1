import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, type V1Pod } from '@kubernetes/client-node';
import { ControlPlane } from '../../src/index.js';
import { refusal } from '../support/api-error.js';
import { eventually } from '../support/eventually.js';
import { testdataDir, widgets } from '../support/testdata.js';

const isRunningWithIP = (pod: V1Pod): boolean =>
  pod.metadata?.deletionTimestamp === undefined &&
  pod.status?.phase === 'Running' &&
  pod.status.podIP !== undefined;

describe('a simulated cluster with 2 kwok nodes', () => {
  let env: ControlPlane;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const ns = 'default';

  before(async () => {
    env = await ControlPlane.start({ nodes: 2, crdPaths: [testdataDir] });
    core = env.kubeConfig.makeApiClient(CoreV1Api);
    apps = env.kubeConfig.makeApiClient(AppsV1Api);
  });
  after(() => env.stop());

  it('runs all components and has its nodes Ready', async () => {
    assert.deepEqual(env.components.map((c) => c.name).sort(), [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
    ]);
    const nodes = await core.listNode();
    assert.deepEqual(nodes.items.map((n) => n.metadata?.name).sort(), ['kwok-node-0', 'kwok-node-1']);
    for (const node of nodes.items) {
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'True', `${node.metadata?.name ?? ''} Ready`);
    }
  });

  it('garbage-collects the dependents of a deleted owner', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owner' } },
    });
    const ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' },
    ];
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dependent', ownerReferences } },
    });
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'dependent', ownerReferences } },
    });

    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'owner' });

    await eventually(async () => {
      assert.equal(
        (await refusal(core.readNamespacedConfigMap({ namespace: ns, name: 'dependent' }))).code,
        404,
      );
      assert.equal(
        (await refusal(core.readNamespacedSecret({ namespace: ns, name: 'dependent' }))).code,
        404,
      );
    });
  });

  it('garbage-collects the dependents of a deleted custom resource', async () => {
    const custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
    const owner = (await custom.createNamespacedCustomObject({
      ...widgets,
      namespace: ns,
      body: {
        apiVersion: 'envtest.spoke.dev/v1',
        kind: 'Widget',
        metadata: { name: 'owner' },
        spec: { size: 1 },
      },
    })) as { metadata: { uid: string } };
    const ownerReferences = [
      { apiVersion: 'envtest.spoke.dev/v1', kind: 'Widget', name: 'owner', uid: owner.metadata.uid },
    ];
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'widget-part', ownerReferences } },
    });

    await custom.deleteNamespacedCustomObject({ ...widgets, namespace: ns, name: 'owner' });

    await eventually(async () => {
      assert.equal(
        (await refusal(core.readNamespacedConfigMap({ namespace: ns, name: 'widget-part' }))).code,
        404,
      );
    }, 60_000);
  });

  it('runs a Deployment as Running Pods with IPs on kwok nodes, behind a Service EndpointSlice, and scales it', async () => {
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'web' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 80 }] } },
    });
    const discovery = env.kubeConfig.makeApiClient(DiscoveryV1Api);
    const runningPods = async (): Promise<V1Pod[]> =>
      (await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' })).items.filter(
        isRunningWithIP,
      );
    const readyEndpointIPs = async (): Promise<string[]> => {
      const slices = await discovery.listNamespacedEndpointSlice({
        namespace: ns,
        labelSelector: 'kubernetes.io/service-name=web',
      });
      return slices.items
        .flatMap((slice) => slice.endpoints ?? [])
        .filter((endpoint) => endpoint.conditions?.ready === true)
        .flatMap((endpoint) => endpoint.addresses)
        .sort();
    };

    const pods = await eventually(async () => {
      const running = await runningPods();
      assert.equal(running.length, 3, `${running.length} of 3 Pods Running with an IP`);
      return running;
    }, 60_000);
    for (const pod of pods) assert.match(pod.spec?.nodeName ?? '', /^kwok-node-[01]$/);
    const podIPs = pods.map((pod) => pod.status?.podIP ?? '').sort();
    assert.equal(new Set(podIPs).size, 3, `distinct IPs: ${podIPs.join(', ')}`);
    await eventually(async () => {
      assert.deepEqual(await readyEndpointIPs(), podIPs);
    }, 30_000);

    await apps.replaceNamespacedDeploymentScale({
      namespace: ns,
      name: 'web',
      body: { metadata: { name: 'web', namespace: ns }, spec: { replicas: 1 } },
    });

    await eventually(async () => {
      const running = await runningPods();
      assert.equal(running.length, 1, `${running.length} Pods Running, want 1`);
      assert.deepEqual(await readyEndpointIPs(), [running[0]?.status?.podIP]);
    }, 60_000);
  });
});
