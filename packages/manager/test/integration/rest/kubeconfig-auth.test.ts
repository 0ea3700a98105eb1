import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlPlane } from '@spoke/envtest';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { ServiceAccount } from '../../../src/kinds/builtin-kinds.js';
import { KubeConfig } from '../../../src/kubeconfig/kube-config.js';
import { loadKubeConfig } from '../../../src/kubeconfig/load-kube-config.js';
import { RestClient, type RestClientOptions } from '../../../src/rest/rest-client.js';

/** The API server's own answer to "who am I": the witness of which credentials a request carried. */
const SelfSubjectReview = defineKind<{
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  status?: { userInfo?: { username?: string; groups?: string[] } };
}>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  namespaced: false,
});

async function whoAmI(kubeConfig: KubeConfig, options?: RestClientOptions): Promise<string | undefined> {
  const rest = new RestClient(kubeConfig, options);
  try {
    const review = await rest.request<{ status?: { userInfo?: { username?: string } } }>({
      verb: 'create',
      method: 'POST',
      kind: SelfSubjectReview,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    return review.status?.userInfo?.username;
  } finally {
    await rest.close();
  }
}

const b64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

describe("Spoke's kubeconfig against kube-apiserver (no client-node in the request path)", () => {
  let env: ControlPlane;
  let dir: string;
  let caPem: string;
  const tokenOf = async (name: string): Promise<string> => {
    const token = (await env.serviceAccountKubeConfig('default', name)).getCurrentUser()?.token;
    assert.ok(token);
    return token;
  };

  before(async () => {
    env = await ControlPlane.start();
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-auth-'));
    caPem = b64(env.kubeConfig.getCurrentCluster()?.caData ?? '');
    const alice = env.userKubeConfig({ name: 'alice', groups: ['devs'] }).getCurrentUser();
    writeCerts(dir, caPem, b64(alice?.certData ?? ''), b64(alice?.keyData ?? ''));
    const admin = new RestClient(env.kubeConfig);
    for (const name of ['robot-a', 'robot-b'])
      await admin.request({
        verb: 'create',
        method: 'POST',
        kind: ServiceAccount,
        namespace: 'default',
        body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
      });
    await admin.close();
  });
  after(async () => {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("authenticates with envtest's kubeconfig file (inline CA, client certificate and key)", async () => {
    const kc = loadKubeConfig(env.kubeconfigPath, { env: {} });
    assert.ok(kc instanceof KubeConfig);
    const expected = env.kubeConfig.getCurrentUser()?.name;
    assert.ok(expected);
    assert.equal(await whoAmI(kc), expected);
  });

  it('reads certificate-authority, client-certificate and client-key files relative to the kubeconfig', async () => {
    const file = join(dir, 'relative.yaml');
    writeFileSync(
      file,
      [
        `clusters: [{ name: c, cluster: { server: "${env.server}", certificate-authority: certs/ca.crt } }]`,
        'users: [{ name: u, user: { client-certificate: certs/tls.crt, client-key: certs/tls.key } }]',
        'contexts: [{ name: x, context: { cluster: c, user: u } }]',
        'current-context: x',
      ].join('\n'),
    );
    assert.equal(await whoAmI(loadKubeConfig(file, { env: {} })), 'alice');
  });

  it('sends a bearer token, and re-reads a tokenFile once the credentials are due for a refresh', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${await tokenOf('robot-a')}\n`);
    const kc = KubeConfig.fromOptions({
      clusters: [
        {
          name: 'c',
          server: env.server,
          caData: Buffer.from(caPem).toString('base64'),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'u', tokenFile }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const rest = new RestClient(kc, { credentialRefreshMs: 0 });
    const who = async (): Promise<string | undefined> =>
      (
        await rest.request<{ status?: { userInfo?: { username?: string } } }>({
          verb: 'create',
          method: 'POST',
          kind: SelfSubjectReview,
          body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        })
      ).status?.userInfo?.username;
    try {
      assert.equal(await who(), 'system:serviceaccount:default:robot-a');
      // A rotated token: the same client picks up the new file content.
      writeFileSync(tokenFile, await tokenOf('robot-b'));
      assert.equal(await who(), 'system:serviceaccount:default:robot-b');
    } finally {
      await rest.close();
    }
  });

  it('skips verification with insecure-skip-tls-verify, and refuses the unknown CA without it', async () => {
    const token = await tokenOf('robot-a');
    const config = (skipTLSVerify: boolean): KubeConfig =>
      KubeConfig.fromOptions({
        clusters: [{ name: 'c', server: env.server, skipTLSVerify }],
        users: [{ name: 'u', token }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
    assert.equal(await whoAmI(config(true)), 'system:serviceaccount:default:robot-a');
    await assert.rejects(
      whoAmI(config(false)),
      /request to 127\.0\.0\.1:\d+ failed: .*(certificate|self.signed)/i,
    );
  });

  it('runs an exec credential plugin (client.authentication.k8s.io/v1) through the lazily loaded client-node', async () => {
    const token = await tokenOf('robot-b');
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${JSON.stringify(token)} } }));\n`,
    );
    const file = join(dir, 'exec.yaml');
    writeFileSync(
      file,
      [
        `clusters: [{ name: c, cluster: { server: "${env.server}", certificate-authority: certs/ca.crt } }]`,
        'users:',
        '- name: u',
        '  user:',
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${JSON.stringify(process.execPath)}`,
        `      args: [${JSON.stringify(plugin)}]`,
        '      interactiveMode: Never',
        'contexts: [{ name: x, context: { cluster: c, user: u } }]',
        'current-context: x',
      ].join('\n'),
    );
    assert.equal(await whoAmI(loadKubeConfig(file, { env: {} })), 'system:serviceaccount:default:robot-b');
  });
});

/** The layout of a kubeconfig next to its certificates: `certs/ca.crt`, `certs/tls.crt`, `certs/tls.key`. */
function writeCerts(dir: string, ca: string, cert: string, key: string): void {
  const certs = join(dir, 'certs');
  mkdirSync(certs, { recursive: true });
  writeFileSync(join(certs, 'ca.crt'), ca);
  writeFileSync(join(certs, 'tls.crt'), cert);
  writeFileSync(join(certs, 'tls.key'), key, { mode: 0o600 });
}
