import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ControlPlane, locateAssets } from '@spoke/envtest';
import { parseAllDocuments } from 'yaml';
import { LocalNpmRegistry } from './support/local-npm-registry.js';
import { killGroup, runCommand } from './support/run-command.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The environment of a new user's shell: this machine's PATH with the Node the tests run on first, but nothing of
 * this repository (its node_modules/.bin holds tsc, prettier, spoke-manifests...); no npm_* variables of an outer
 * npm run, and no NODE_TEST_CONTEXT, which would make the project's `node --test` skip its files as nested.
 */
function userEnvironment(extraPath: readonly string[]): Record<string, string | undefined> {
  const path = [
    ...extraPath,
    dirname(process.execPath),
    ...(process.env['PATH'] ?? '').split(delimiter).filter((dir) => !resolve(dir).startsWith(repoRoot)),
  ];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^npm_/i.test(key) && !['KUBECONFIG', 'INIT_CWD', 'NODE_TEST_CONTEXT'].includes(key),
    ),
  );
  return { ...env, PATH: path.join(delimiter) };
}

describe('a project scaffolded by spoke and built outside this repository', () => {
  it('packs, installs from the tarballs, inits, creates an API and its webhooks, builds, generates, tests and runs', async (t) => {
    const started = Date.now();
    const timings: string[] = [];
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const at = Date.now();
      const result = await run();
      timings.push(`${name}: ${((Date.now() - at) / 1000).toFixed(1)} s`);
      return result;
    };

    const root = mkdtempSync(join(tmpdir(), 'spoke-scaffold-e2e-'));
    const cleanups: (() => Promise<void> | void)[] = [
      () => {
        rmSync(root, { recursive: true, force: true });
      },
    ];
    t.after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      t.diagnostic(`timings: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
    assert.ok(!root.startsWith(repoRoot), `${root} must be outside the repository`);

    // The control plane `make test` built for this repository; the project must reuse it, not build its own.
    const assets = locateAssets().dir;
    const tools = join(root, 'tools');
    const env = { ...userEnvironment([join(tools, 'bin')]), SPOKE_ASSETS: assets };
    const project = join(root, 'guestbook');

    const tarballs = await step('pack', async () =>
      (await runCommand(process.execPath, ['hack/pack.mjs', join(root, 'packages')], { cwd: repoRoot, env }))
        .trim()
        .split('\n'),
    );
    assert.deepEqual(tarballs.map((file) => file.replace(/^.*\//, '')).sort(), [
      'spoke-cli-0.1.0.tgz',
      'spoke-envtest-0.1.0.tgz',
      'spoke-manager-0.1.0.tgz',
      'spoke-manifests-0.1.0.tgz',
    ]);
    const registry = await LocalNpmRegistry.start(tarballs);
    cleanups.push(() => registry.close());
    const npm = ['--no-audit', '--no-fund', '--prefer-offline', `--@spoke:registry=${registry.url}`];

    await step('npm install --global @spoke/cli', () =>
      runCommand('npm', ['install', '--global', '--prefix', tools, ...npm, '@spoke/cli@^0.1.0'], {
        cwd: root,
        env,
      }),
    );
    mkdirSync(project);
    await step('spoke init, spoke create api, spoke create webhook', async () => {
      await runCommand('spoke', ['init', '--domain', 'example.com', '--owner', 'The Guestbook Authors'], {
        cwd: project,
        env,
      });
      await runCommand(
        'spoke',
        ['create', 'api', '--group', 'webapp', '--version', 'v1', '--kind', 'Guestbook'],
        {
          cwd: project,
          env,
        },
      );
      // A second version in the same CRD, reconciled by the first one's controller; the webhook converts.
      await runCommand(
        'spoke',
        [
          'create',
          'api',
          '--group',
          'webapp',
          '--version',
          'v2',
          '--kind',
          'Guestbook',
          '--controller=false',
        ],
        { cwd: project, env },
      );
      await runCommand(
        'spoke',
        [
          'create',
          'webhook',
          '--group',
          'webapp',
          '--version',
          'v1',
          '--kind',
          'Guestbook',
          '--defaulting',
          '--programmatic-validation',
          '--conversion',
          '--spoke',
          'v2',
        ],
        { cwd: project, env },
      );
    });
    // What a user of a private registry writes; `make` may run npm install again, so it must resolve there too.
    writeFileSync(join(project, '.npmrc'), `@spoke:registry=${registry.url}\n`);
    await step('npm install', () => runCommand('npm', ['install', ...npm], { cwd: project, env }));

    await t.test(
      'node_modules holds real copies of the packed packages, and their source maps resolve',
      () => {
        const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
          dependencies: Record<string, string>;
          devDependencies: Record<string, string>;
        };
        assert.equal(manifest.dependencies['@spoke/manager'], '^0.1.0');
        for (const name of ['cli', 'envtest', 'manager', 'manifests']) {
          const dir = join(project, 'node_modules', '@spoke', name);
          assert.ok(!lstatSync(dir).isSymbolicLink(), `${dir} is a link`);
          const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
            version: string;
          };
          assert.equal(version, '0.1.0');
        }
        const dist = join(project, 'node_modules', '@spoke', 'manager', 'dist', 'src');
        for (const map of ['index.js.map', 'index.d.ts.map', 'manager/manager.js.map']) {
          const { sources } = JSON.parse(readFileSync(join(dist, map), 'utf8')) as { sources: string[] };
          for (const source of sources) {
            const file = resolve(dirname(join(dist, map)), source);
            assert.ok(existsSync(file), `${map} maps to ${source}, which is not in the package`);
          }
        }
      },
    );

    await step('make build lint manifests', () =>
      runCommand('make', ['build', 'lint', 'manifests'], { cwd: project, env }),
    );
    await t.test('make manifests writes the CRD, a ClusterRole and the webhook configurations', () => {
      const crd = readFileSync(join(project, 'config/crd/bases/webapp.example.com_guestbooks.yaml'), 'utf8');
      assert.match(crd, /name: guestbooks\.webapp\.example\.com/);
      assert.match(crd, /x-kubernetes-list-type: map/);
      assert.match(crd, /conversion:\n {4}strategy: Webhook\n/);
      assert.match(crd, /\n {4}name: v1\n(.*\n)*? {4}storage: true\n/);
      assert.match(crd, /\n {4}name: v2\n(.*\n)*? {4}storage: false\n/);
      const role = readFileSync(join(project, 'config/rbac/role.yaml'), 'utf8');
      assert.match(role, /- guestbooks\n {2}verbs:\n {2}- get\n {2}- list\n {2}- watch/);
      assert.match(role, /- guestbooks\/status\n {2}verbs:\n {2}- get\n {2}- patch\n {2}- update/);
      const webhooks = parseAllDocuments(
        readFileSync(join(project, 'config/webhook/manifests.yaml'), 'utf8'),
      ).map(
        (doc) =>
          doc.toJS() as {
            kind: string;
            webhooks: { name: string; clientConfig: { service: { path: string } } }[];
          },
      );
      assert.deepEqual(
        webhooks.map((w) => [w.kind, w.webhooks.map((h) => `${h.name} ${h.clientConfig.service.path}`)]),
        [
          [
            'MutatingWebhookConfiguration',
            ['mguestbook-v1.webapp.example.com /mutate-webapp-example-com-v1-guestbook'],
          ],
          [
            'ValidatingWebhookConfiguration',
            ['vguestbook-v1.webapp.example.com /validate-webapp-example-com-v1-guestbook'],
          ],
        ],
      );
    });

    // What `make deploy` applies, rendered by kubectl's kustomize (deploying needs an image: no container engine here).
    const rendered = await step('kubectl kustomize config/default', () =>
      runCommand('kubectl', ['kustomize', 'config/default'], { cwd: project, env }),
    );
    await t.test(
      'config/default renders the manager, its RBAC, the CRD and the webhooks, prefixed and namespaced',
      () => {
        const objects = parseAllDocuments(rendered).map(
          (doc) =>
            doc.toJS() as {
              kind: string;
              metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
              spec?: { dnsNames?: string[] };
              webhooks?: { clientConfig: { service: { name: string; namespace: string } } }[];
            },
        );
        const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
        for (const name of [
          'Namespace//guestbook-system',
          'CustomResourceDefinition//guestbooks.webapp.example.com',
          'ServiceAccount/guestbook-system/guestbook-controller-manager',
          'ClusterRole//guestbook-manager-role',
          'ClusterRoleBinding//guestbook-manager-rolebinding',
          'Role/guestbook-system/guestbook-leader-election-role',
          'ClusterRole//guestbook-guestbook-editor-role',
          'Service/guestbook-system/guestbook-controller-manager-metrics-service',
          'Deployment/guestbook-system/guestbook-controller-manager',
          'Service/guestbook-system/guestbook-webhook-service',
          'Issuer/guestbook-system/guestbook-selfsigned-issuer',
          'Certificate/guestbook-system/guestbook-serving-cert',
          'MutatingWebhookConfiguration//guestbook-mutating-webhook-configuration',
          'ValidatingWebhookConfiguration//guestbook-validating-webhook-configuration',
        ]) {
          assert.ok(names.includes(name), `${name} is not in ${names.join(', ')}`);
        }
        // cert-manager's certificate names the webhook Service, and its CA goes into both configurations, which call
        // that Service: the wiring kustomize's replacements and name references make.
        const certificate = objects.find((o) => o.kind === 'Certificate');
        assert.deepEqual(certificate?.spec?.dnsNames, [
          'guestbook-webhook-service.guestbook-system.svc',
          'guestbook-webhook-service.guestbook-system.svc.cluster.local',
        ]);
        for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
          const configuration = objects.find((o) => o.kind === kind);
          assert.equal(
            configuration?.metadata.annotations?.['cert-manager.io/inject-ca-from'],
            'guestbook-system/guestbook-serving-cert',
            kind,
          );
          assert.deepEqual(configuration.webhooks?.[0]?.clientConfig.service, {
            name: 'guestbook-webhook-service',
            namespace: 'guestbook-system',
            path: kind.startsWith('Mutating')
              ? '/mutate-webapp-example-com-v1-guestbook'
              : '/validate-webapp-example-com-v1-guestbook',
          });
        }
        assert.match(rendered, /- --webhook-cert-path=\/tmp\/k8s-webhook-server\/serving-certs/);
        assert.match(rendered, /containerPort: 9443\n\s+name: webhook-server/);
        // The CRD converts through the same Service, with the same CA.
        const crd = objects.find((o) => o.kind === 'CustomResourceDefinition') as
          | {
              metadata: { annotations?: Record<string, string> };
              spec: { conversion?: { webhook?: { clientConfig?: { service?: unknown } } } };
            }
          | undefined;
        assert.deepEqual(crd?.spec.conversion?.webhook?.clientConfig?.service, {
          name: 'guestbook-webhook-service',
          namespace: 'guestbook-system',
          path: '/convert',
        });
        assert.equal(
          crd.metadata.annotations?.['cert-manager.io/inject-ca-from'],
          'guestbook-system/guestbook-serving-cert',
        );
        assert.match(
          rendered,
          /- --metrics-bind-address=:8443\n\s+- --leader-elect\n\s+- --health-probe-bind-address=:8081/,
        );
      },
    );

    const tested = await step('make test', () => runCommand('make', ['test'], { cwd: project, env }));
    await t.test(
      "make test runs the generated controller's and webhooks' tests on the existing control plane",
      () => {
        assert.match(tested, /\[control-plane\] reusing /, 'the control plane was not rebuilt');
        for (const name of [
          'reports a new Guestbook Available for its generation',
          'records who created a Guestbook in an annotation, whatever the client sent',
          "denies a change of who created a Guestbook with the validator's message, and keeps it",
          'serves a Guestbook created as v2 in v1 too, and back unchanged',
        ]) {
          // The spec reporter's ✔, or TAP's `ok N -` when the output is not a terminal.
          assert.match(tested, new RegExp(`(✔|ok \\d+ -) ${name.replaceAll('.', '\\.')}`), name);
        }
        assert.match(tested, /pass 6\b/);
        assert.match(tested, /fail 0\b/);
      },
    );

    await step('make install, make run, a sample Available', async () => {
      const controlPlane = await ControlPlane.start();
      cleanups.push(() => controlPlane.stop());
      const clusterEnv = { ...env, KUBECONFIG: controlPlane.kubeconfigPath };
      await runCommand('make', ['install'], { cwd: project, env: clusterEnv });
      await runCommand(
        'kubectl',
        ['wait', '--for=condition=Established', '--timeout=60s', 'crd/guestbooks.webapp.example.com'],
        { cwd: project, env: clusterEnv },
      );
      const manager = spawn(
        'make',
        // The webhook server on a free port, with the self-signed certificate of a run without --webhook-cert-path.
        [
          'run',
          'RUN_ARGS=--leader-elect --health-probe-bind-address=0 --webhook-port=0 --zap-log-level=info',
        ],
        {
          cwd: project,
          env: clusterEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      let log = '';
      manager.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
      manager.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
      const exited = once(manager, 'exit');
      cleanups.push(() => {
        killGroup(manager, 'SIGKILL');
      });
      try {
        // v1, the storage version, and v1 by name: the API server prefers v2, which it could only convert through
        // the webhook Service of a deployment (config/default), not reach on this host.
        await runCommand('kubectl', ['apply', '-f', 'config/samples/webapp_v1_guestbook.yaml'], {
          cwd: project,
          env: clusterEnv,
        });
        await runCommand(
          'kubectl',
          [
            'wait',
            '--for=condition=Available',
            '--timeout=120s',
            'guestbooks.v1.webapp.example.com/guestbook-sample',
          ],
          { cwd: project, env: clusterEnv, timeoutMs: 130_000 },
        );
        const sample = JSON.parse(
          await runCommand(
            'kubectl',
            ['get', 'guestbooks.v1.webapp.example.com/guestbook-sample', '-o', 'json'],
            {
              cwd: project,
              env: clusterEnv,
            },
          ),
        ) as { metadata: { generation: number }; status: { observedGeneration: number } };
        assert.equal(sample.status.observedGeneration, sample.metadata.generation);
      } catch (error: unknown) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\nmake run:\n${log}`);
      }
      // SIGTERM, as the kubelet stops a pod: the manager drains and exits.
      killGroup(manager, 'SIGTERM');
      await exited;
      assert.match(log, /starting manager/);
      // The webhooks of src/webhook/index.ts were served, over the self-signed certificate of a local run.
      assert.match(log, /serving webhooks/);
      assert.match(log, /\/mutate-webapp-example-com-v1-guestbook/);
    });
  });
});
