import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KubeConfig, inClusterKubeConfig, isSpokeKubeConfig } from '../../../src/kubeconfig/index.js';

const full = `
apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: Q0E=
    tls-server-name: api.prod
- name: dev
  cluster:
    server: https://dev.example:6443
    certificate-authority: certs/ca.crt
    insecure-skip-tls-verify: true
    proxy-url: http://proxy.example:3128
users:
- name: alice
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
    as: bob
- name: files
  user:
    client-certificate: certs/tls.crt
    client-key: /abs/tls.key
    tokenFile: token
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: get-token
      args: [--cluster, dev]
      env: [{ name: A, value: b }]
contexts:
- name: prod
  context: { cluster: prod, user: alice, namespace: apps }
- name: dev
  context: { cluster: dev, user: files }
current-context: dev
`;

describe('KubeConfig.fromString', () => {
  const kc = KubeConfig.fromString(full, '/home/me/.kube');

  it('reads clusters, users and contexts with client-node’s field names', () => {
    assert.equal(kc.getCurrentContext(), 'dev');
    assert.deepEqual(kc.getCluster('prod'), {
      name: 'prod',
      server: 'https://prod.example:6443',
      caData: 'Q0E=',
      tlsServerName: 'api.prod',
      skipTLSVerify: false,
    });
    assert.deepEqual(kc.getUser('alice'), {
      name: 'alice',
      certData: 'Q0VSVA==',
      keyData: 'S0VZ',
      impersonateUser: 'bob',
    });
    assert.deepEqual(kc.getContextObject('prod'), {
      name: 'prod',
      cluster: 'prod',
      user: 'alice',
      namespace: 'apps',
    });
  });

  it('resolves relative file paths against the kubeconfig’s directory, leaving absolute ones', () => {
    assert.deepEqual(kc.getCurrentCluster(), {
      name: 'dev',
      server: 'https://dev.example:6443',
      caFile: '/home/me/.kube/certs/ca.crt',
      skipTLSVerify: true,
      proxyUrl: 'http://proxy.example:3128',
    });
    assert.deepEqual(kc.getCurrentUser(), {
      name: 'files',
      certFile: '/home/me/.kube/certs/tls.crt',
      keyFile: '/abs/tls.key',
      tokenFile: '/home/me/.kube/token',
    });
  });

  it('keeps an exec plugin’s configuration as written', () => {
    assert.deepEqual(kc.getUser('plugin')?.exec, {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'get-token',
      args: ['--cluster', 'dev'],
      env: [{ name: 'A', value: 'b' }],
    });
  });

  it('returns null for the current cluster and user of a context that names none', () => {
    const empty = KubeConfig.fromString('clusters: []\ncurrent-context: nowhere\n');
    assert.equal(empty.getCurrentCluster(), null);
    assert.equal(empty.getCurrentUser(), null);
    assert.equal(isSpokeKubeConfig(empty), true);
  });

  it('names the malformed entry', () => {
    assert.throws(() => KubeConfig.fromString('- a\n- b\n'), /not a YAML map/);
    assert.throws(() => KubeConfig.fromString('clusters: {}\n'), /clusters is not a list/);
    assert.throws(() => KubeConfig.fromString('clusters: [{ cluster: {} }]\n'), /clusters\[0\] has no name/);
    assert.throws(
      () => KubeConfig.fromString('clusters: [{ name: c, cluster: {} }]\n'),
      /cluster c has no server/,
    );
    assert.throws(
      () => KubeConfig.fromString('users: [{ name: u, user: { exec: { args: [] } } }]\n'),
      /user u: exec has no command/,
    );
    assert.throws(
      () => KubeConfig.fromString('contexts: [{ name: x, context: { user: u } }]\n'),
      /context x has no cluster/,
    );
    assert.throws(
      () => KubeConfig.fromString('users: [{ name: u, user: { token: 7 } }]\n'),
      /token is not a string/,
    );
  });
});

describe('inClusterKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'in-cluster-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('points at the service host with the mounted CA, token file and namespace', () => {
    writeFileSync(join(dir, 'token'), 'tok');
    writeFileSync(join(dir, 'namespace'), 'ops\n');
    const kc = inClusterKubeConfig(
      { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      dir,
    );
    assert.equal(kc.getCurrentCluster()?.server, 'https://[fd00::1]:443');
    assert.equal(kc.getCurrentCluster()?.caFile, join(dir, 'ca.crt'));
    assert.equal(kc.getCurrentUser()?.tokenFile, join(dir, 'token'));
    assert.equal(kc.getContextObject(kc.currentContext)?.namespace, 'ops');
  });

  it('refuses outside a pod', () => {
    assert.throws(() => inClusterKubeConfig({}, dir), /KUBERNETES_SERVICE_HOST/);
    assert.throws(
      () =>
        inClusterKubeConfig(
          { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' },
          join(dir, 'none'),
        ),
      /no ServiceAccount token/,
    );
  });
});
