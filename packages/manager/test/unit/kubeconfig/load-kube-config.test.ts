import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KubeConfigError, loadKubeConfig } from '../../../src/kubeconfig/load-kube-config.js';

const dir = mkdtempSync(join(tmpdir(), 'load-kube-config-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig file with one context `name` on server `server`, certificate files relative to the file. */
function kubeconfig(
  file: string,
  name: string,
  server: string,
  currentContext: string | null = name,
): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: ${name}, cluster: { server: "${server}", certificate-authority: ca.crt } }]`,
      `users: [{ name: ${name}, user: { token: t } }]`,
      `contexts: [{ name: ${name}, context: { cluster: ${name}, user: ${name} } }]`,
      ...(currentContext === null ? [] : [`current-context: ${currentContext}`]),
    ].join('\n'),
  );
  return path;
}

const noCluster = { KUBERNETES_SERVICE_HOST: undefined, KUBERNETES_SERVICE_PORT: undefined };

/** The KubeConfigError's message of `load`, asserting it is one. */
function failure(load: () => unknown): string {
  try {
    load();
  } catch (err: unknown) {
    assert.ok(err instanceof KubeConfigError, String(err));
    assert.doesNotMatch(err.message, /\n/);
    return err.message;
  }
  assert.fail('expected a KubeConfigError');
}

describe('loadKubeConfig (controller-runtime’s order)', () => {
  const a = kubeconfig('a.yaml', 'a', 'https://a.example:6443');
  const b = kubeconfig('b.yaml', 'b', 'https://b.example:6443');

  it('loads the --kubeconfig file, ignoring $KUBECONFIG, with its paths made absolute', () => {
    const kc = loadKubeConfig(a, { env: { KUBECONFIG: b } });
    assert.equal(kc.getCurrentCluster()?.server, 'https://a.example:6443');
    assert.equal(kc.getCurrentCluster()?.caFile, join(dir, 'ca.crt'));
  });

  it('names the --kubeconfig file that can’t be read, and that nothing else was tried', () => {
    assert.equal(
      failure(() => loadKubeConfig('/nonexistent', { env: { KUBECONFIG: a } })),
      'cannot read the kubeconfig given by --kubeconfig /nonexistent: no such file ' +
        '(with --kubeconfig, neither $KUBECONFIG, the in-cluster config nor ~/.kube/config is tried)',
    );
    assert.match(
      failure(() => loadKubeConfig(dir)),
      new RegExp(`--kubeconfig ${dir}: is a directory`),
    );
  });

  it('names a file that is empty, not YAML, or names no usable context', () => {
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '\n');
    assert.equal(
      failure(() => loadKubeConfig(empty)),
      `the kubeconfig given by --kubeconfig ${empty} is empty`,
    );
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'clusters: [\n');
    assert.match(
      failure(() => loadKubeConfig(broken)),
      new RegExp(`^the kubeconfig given by --kubeconfig ${broken} is not a valid kubeconfig: `),
    );
    const noContext = kubeconfig('no-context.yaml', 'n', 'https://n.example', null);
    assert.equal(
      failure(() => loadKubeConfig(noContext)),
      `the kubeconfig given by --kubeconfig ${noContext} sets no current-context`,
    );
    const wrongContext = kubeconfig('wrong-context.yaml', 'w', 'https://w.example', 'elsewhere');
    assert.equal(
      failure(() => loadKubeConfig(wrongContext)),
      `the kubeconfig given by --kubeconfig ${wrongContext}: current-context "elsewhere" is not defined`,
    );
  });

  it('merges the files $KUBECONFIG lists, the first to set a name or the context winning, skipping missing ones', () => {
    const kc = loadKubeConfig(undefined, {
      env: { ...noCluster, KUBECONFIG: [join(dir, 'missing.yaml'), b, a].join(delimiter) },
    });
    assert.equal(kc.getCurrentContext(), 'b');
    assert.deepEqual(
      kc.getClusters().map((c) => c.name),
      ['b', 'a'],
    );
  });

  it('says which $KUBECONFIG files were missing when none exists', () => {
    const listed = ['/missing/1', '/missing/2'].join(delimiter);
    assert.equal(
      failure(() => loadKubeConfig(undefined, { env: { ...noCluster, KUBECONFIG: listed } })),
      `no kubeconfig found: --kubeconfig not given; $KUBECONFIG=${listed}: none of these files exists`,
    );
  });

  it('falls back to ~/.kube/config when $KUBECONFIG is unset and not in a cluster', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    kubeconfig('home/.kube/config', 'home', 'https://home.example:6443');
    const kc = loadKubeConfig(undefined, { env: noCluster, homeDir: home });
    assert.equal(kc.getCurrentCluster()?.server, 'https://home.example:6443');
  });

  it('lists everything it tried when no cluster is configured anywhere', () => {
    const home = join(dir, 'empty-home');
    assert.equal(
      failure(() => loadKubeConfig(undefined, { env: noCluster, homeDir: home })),
      'no kubeconfig found: --kubeconfig not given; not in a cluster ($KUBERNETES_SERVICE_HOST/PORT unset); ' +
        `$KUBECONFIG unset; ${join(home, '.kube', 'config')}: no such file`,
    );
  });

  it('says so when the in-cluster variables are set but no ServiceAccount token is mounted', () => {
    const home = join(dir, 'empty-home');
    assert.match(
      failure(() =>
        loadKubeConfig(undefined, {
          env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
          homeDir: home,
        }),
      ),
      /not in a cluster \(no ServiceAccount token at \/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token\)/,
    );
  });
});
