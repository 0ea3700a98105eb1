import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlPlane } from '@spoke/envtest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/repo-root.js';
import { kubectlOk, runCommand } from '../support/run-command.js';
import { installCertManagerCrds } from '../support/stand-in-cert-manager.js';

const image = 'registry.example.com/spoke/memcached-operator:v0.1.0';
// `kustomize edit set image` rewrites this file, as in kubebuilder; the test puts it back as it found it.
const managerKustomization = join(repoRoot, 'config/manager/kustomization.yaml');

describe('make build-installer', () => {
  let env: ControlPlane;
  let committedKustomization: string;
  let installer: string;

  before(async () => {
    committedKustomization = readFileSync(managerKustomization, 'utf8');
    // Runs while the control plane starts: the first run builds kustomize into bin/ from the Go module proxy.
    const [made, started] = await Promise.all([
      // -o: never reinstall node_modules under other running tests; `make test` has just installed them.
      runCommand(
        'make',
        ['--no-print-directory', '-o', 'node_modules/.package-lock.json', 'build-installer', `IMG=${image}`],
        {
          cwd: repoRoot,
        },
      ),
      ControlPlane.start({ nodes: 0 }),
    ]);
    env = started;
    writeFileSync(managerKustomization, committedKustomization);
    assert.equal(made.code, 0, `make build-installer failed:\n${made.stderr}${made.stdout}`);
    installer = readFileSync(join(repoRoot, 'dist/install.yaml'), 'utf8');
  });

  after(async () => {
    writeFileSync(managerKustomization, committedKustomization);
    await env.stop();
  });

  it('writes one YAML with the CRD, the RBAC, the webhooks and the manager on the image IMG', () => {
    const objects = parseAllDocuments(installer).map(
      (doc) =>
        doc.toJS() as { kind: string; spec?: { template?: { spec?: { containers?: { image: string }[] } } } },
    );
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'Namespace',
      'CustomResourceDefinition',
      'ServiceAccount',
      'ClusterRole',
      'Deployment',
      'MutatingWebhookConfiguration',
      'ValidatingWebhookConfiguration',
      'Certificate',
      'Issuer',
    ]) {
      assert.ok(kinds.has(kind), `no ${kind} in dist/install.yaml`);
    }
    const deployment = objects.find((o) => o.kind === 'Deployment');
    assert.equal(deployment?.spec?.template?.spec?.containers?.[0]?.image, image);
  });

  it('applies cleanly on a fresh cluster with cert-manager, and a second apply changes nothing', async () => {
    // cert-manager is a prerequisite of the installer, as kubebuilder's; here its kinds only (support/stand-in-cert-manager.ts).
    await installCertManagerCrds(env.kubeconfigPath);
    const first = await kubectlOk(env.kubeconfigPath, ['apply', '--server-side', '-f', 'dist/install.yaml'], {
      cwd: repoRoot,
    });
    assert.match(
      first,
      /customresourcedefinition\.apiextensions\.k8s\.io\/memcacheds\.cache\.spoke\.dev serverside-applied/,
    );
    await kubectlOk(env.kubeconfigPath, [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/memcacheds.cache.spoke.dev',
    ]);
    const deployed = await kubectlOk(env.kubeconfigPath, [
      'get',
      'deployment/memcached-operator-controller-manager',
      '-n',
      'memcached-operator-system',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    assert.equal(deployed, image);
    const diff = await runCommand('kubectl', ['diff', '--server-side', '-f', 'dist/install.yaml'], {
      cwd: repoRoot,
      env: { KUBECONFIG: env.kubeconfigPath },
    });
    assert.equal(diff.code, 0, `kubectl diff found changes after apply:\n${diff.stdout}${diff.stderr}`);
  });
});
