import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { ControlPlane } from '../../src/index.js';
import { refusal } from '../support/api-error.js';
import { eventually } from '../support/eventually.js';
import { testdataDir, widgets } from '../support/testdata.js';

interface Widget {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: { size: number; minSize?: number; color?: string };
}

const widget = (name: string, spec: Widget['spec']): Widget => ({
  apiVersion: 'envtest.spoke.dev/v1',
  kind: 'Widget',
  metadata: { name },
  spec,
});

describe('a control plane with nodes: 0 serving a CRD', () => {
  let env: ControlPlane;
  let api: CustomObjectsApi;
  const ns = 'default';

  before(async () => {
    env = await ControlPlane.start({ crdPaths: [testdataDir] });
    api = env.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  after(() => env.stop());

  it('installs every CRD of a multi-document file, Established and in discovery', async () => {
    const gadget: unknown = await api.createClusterCustomObject({
      group: widgets.group,
      version: 'v1',
      plural: 'gadgets',
      body: {
        apiVersion: 'envtest.spoke.dev/v1',
        kind: 'Gadget',
        metadata: { name: 'g' },
        anything: { goes: 1 },
      },
    });
    assert.equal((gadget as { metadata: { name: string } }).metadata.name, 'g');
  });

  it('creates, reads, updates and deletes a custom resource, applying schema defaults', async () => {
    const created = (await api.createNamespacedCustomObject({
      ...widgets,
      namespace: ns,
      body: widget('crud', { size: 3 }),
    })) as Widget;
    assert.equal(created.spec.minSize, 1, 'the schema default is applied');

    const read = (await api.getNamespacedCustomObject({ ...widgets, namespace: ns, name: 'crud' })) as Widget;
    assert.deepEqual(read.spec, { size: 3, minSize: 1 });

    read.spec.size = 5;
    const updated = (await api.replaceNamespacedCustomObject({
      ...widgets,
      namespace: ns,
      name: 'crud',
      body: read,
    })) as Widget;
    assert.equal(updated.spec.size, 5);
    assert.notEqual(updated.metadata.resourceVersion, read.metadata.resourceVersion);

    await api.deleteNamespacedCustomObject({ ...widgets, namespace: ns, name: 'crud' });
    const gone = await refusal(api.getNamespacedCustomObject({ ...widgets, namespace: ns, name: 'crud' }));
    assert.equal(gone.code, 404);
  });

  it('delivers ADDED, MODIFIED and DELETED to a watch, with increasing resourceVersions', async () => {
    const events: { type: string; name: string; resourceVersion: number }[] = [];
    const watch = new Watch(env.kubeConfig);
    const list = (await api.listNamespacedCustomObject({ ...widgets, namespace: ns })) as {
      metadata: { resourceVersion: string };
    };
    const controller = await watch.watch(
      `/apis/${widgets.group}/${widgets.version}/namespaces/${ns}/${widgets.plural}`,
      { resourceVersion: list.metadata.resourceVersion, fieldSelector: 'metadata.name=watched' },
      (type, object: Widget) => {
        events.push({
          type,
          name: object.metadata.name,
          resourceVersion: Number(object.metadata.resourceVersion),
        });
      },
      () => undefined,
    );
    try {
      const created = (await api.createNamespacedCustomObject({
        ...widgets,
        namespace: ns,
        body: widget('watched', { size: 2 }),
      })) as Widget;
      await api.replaceNamespacedCustomObject({
        ...widgets,
        namespace: ns,
        name: 'watched',
        body: { ...created, spec: { ...created.spec, size: 4 } },
      });
      await api.deleteNamespacedCustomObject({ ...widgets, namespace: ns, name: 'watched' });

      await eventually(() => {
        assert.equal(events.length, 3);
      }, 10_000);
      assert.deepEqual(
        events.map((e) => e.type),
        ['ADDED', 'MODIFIED', 'DELETED'],
      );
      const [added = 0, modified = 0, deleted = 0] = events.map((e) => e.resourceVersion);
      assert.ok(added > Number(list.metadata.resourceVersion), `${added} after the list's version`);
      assert.ok(added < modified && modified < deleted, `increasing: ${added}, ${modified}, ${deleted}`);
    } finally {
      controller.abort();
    }
  });

  it('answers an update with a stale resourceVersion with 409 Conflict', async () => {
    const first = (await api.createNamespacedCustomObject({
      ...widgets,
      namespace: ns,
      body: widget('contended', { size: 1 }),
    })) as Widget;
    await api.replaceNamespacedCustomObject({
      ...widgets,
      namespace: ns,
      name: 'contended',
      body: { ...first, spec: { ...first.spec, size: 2 } },
    });

    const stale = await refusal(
      api.replaceNamespacedCustomObject({
        ...widgets,
        namespace: ns,
        name: 'contended',
        body: { ...first, spec: { ...first.spec, size: 3 } },
      }),
    );
    assert.equal(stale.code, 409);
    assert.match(
      stale.message,
      /the object has been modified; please apply your changes to the latest version/,
    );
  });

  it('rejects an object outside the OpenAPI schema with the API server message', async () => {
    const rejected = await refusal(
      api.createNamespacedCustomObject({
        ...widgets,
        namespace: ns,
        body: widget('too-big', { size: 11, color: 'pink' }),
      }),
    );
    assert.equal(rejected.code, 422);
    assert.match(
      rejected.message,
      /spec\.size: Invalid value: 11: spec\.size in body should be less than or equal to 10/,
    );
    assert.match(
      rejected.message,
      /spec\.color: Unsupported value: "pink": supported values: "red", "green", "blue"/,
    );
  });

  it('rejects an object breaking the CEL rule with the rule message', async () => {
    const rejected = await refusal(
      api.createNamespacedCustomObject({
        ...widgets,
        namespace: ns,
        body: widget('small', { size: 2, minSize: 5 }),
      }),
    );
    assert.equal(rejected.code, 422);
    assert.match(
      rejected.message,
      /Widget\.envtest\.spoke\.dev "small" is invalid: spec: Invalid value: "object": size must be at least minSize/,
    );
  });

  it('re-installs the same CRDs idempotently', async () => {
    assert.deepEqual(await env.installCRDs([testdataDir]), [
      'widgets.envtest.spoke.dev',
      'gadgets.envtest.spoke.dev',
    ]);
  });
});
