import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { ControlPlane } from '../../src/index.js';
import { refusal } from '../support/api-error.js';

describe('identities of a control plane under RBAC', () => {
  let env: ControlPlane;
  const ns = 'rbac';

  before(async () => {
    env = await ControlPlane.start();
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const rbac = env.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'robot' } } });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'settings' }, data: { a: '1' } },
    });
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'configmap-readers' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' },
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' },
          { kind: 'ServiceAccount', name: 'robot', namespace: ns },
        ],
      },
    });
  });
  after(() => env.stop());

  it('lets a user do what its Role allows and answers 403 Forbidden for any other verb', async () => {
    const alice = env.userKubeConfig({ name: 'alice' }).makeApiClient(CoreV1Api);
    const settings = await alice.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
    assert.deepEqual(settings.data, { a: '1' });

    const denied = await refusal(
      alice.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'by-alice' } } }),
    );
    assert.equal(denied.code, 403);
    assert.equal(
      denied.message,
      'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "rbac"',
    );
  });

  it('authorizes a user through the groups in its certificate', async () => {
    const bob = env.userKubeConfig({ name: 'bob', groups: ['devs'] }).makeApiClient(CoreV1Api);
    const list = await bob.listNamespacedConfigMap({ namespace: ns });
    assert.ok(list.items.some((cm) => cm.metadata?.name === 'settings'));

    const carol = env.userKubeConfig({ name: 'carol', groups: ['ops'] }).makeApiClient(CoreV1Api);
    const denied = await refusal(carol.listNamespacedConfigMap({ namespace: ns }));
    assert.equal(denied.code, 403);
    assert.match(denied.message, /User "carol" cannot list resource "configmaps"/);
  });

  it('authenticates a ServiceAccount by a TokenRequest token, under the same RBAC', async () => {
    const robot = (await env.serviceAccountKubeConfig(ns, 'robot')).makeApiClient(CoreV1Api);
    const settings = await robot.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
    assert.equal(settings.metadata?.name, 'settings');

    const denied = await refusal(robot.deleteNamespacedConfigMap({ namespace: ns, name: 'settings' }));
    assert.equal(denied.code, 403);
    assert.equal(
      denied.message,
      'configmaps "settings" is forbidden: User "system:serviceaccount:rbac:robot" cannot delete resource "configmaps" in API group "" in the namespace "rbac"',
    );
  });

  it('refuses a token for a ServiceAccount that does not exist, naming it', async () => {
    await assert.rejects(
      env.serviceAccountKubeConfig(ns, 'ghost'),
      /TokenRequest for ServiceAccount rbac\/ghost: 404/,
    );
  });
});
