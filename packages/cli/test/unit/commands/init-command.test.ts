import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseProjectFile } from '../../../src/project/project-file.js';
import { emptyProjectDir, runSpoke, snapshot } from '../../support/run-spoke.js';

describe('spoke init', () => {
  it('scaffolds a kubebuilder-shaped project named after its directory', async () => {
    const dir = emptyProjectDir('guestbook');
    const run = await runSpoke(dir, ['init', '--domain', 'example.com', '--owner', 'The Guestbook Authors']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /Wrote the guestbook project: \d+ files\.\nNext: .*\n {2}npm install\n {2}npx spoke create api/s,
    );
    const files = snapshot(dir);
    for (const path of [
      'PROJECT',
      'package.json',
      'tsconfig.json',
      'Makefile',
      'Dockerfile',
      'README.md',
      'src/cmd/main.ts',
      'src/controller/index.ts',
      'src/webhook/index.ts',
      'src/manifest-sources.ts',
      'test/support/test-environment.ts',
      'config/default/kustomization.yaml',
      'config/manager/manager.yaml',
      'config/rbac/kustomization.yaml',
      'config/rbac/leader_election_role.yaml',
      'config/crd/kustomization.yaml',
      'config/samples/kustomization.yaml',
      'config/prometheus/monitor.yaml',
      'config/network-policy/allow-metrics-traffic.yaml',
    ]) {
      assert.ok(files.has(path), `${path} missing`);
    }
    // The hooks of `create webhook`: the list main.ts serves and the manifests read, and config/default's
    // webhook sections, commented out until there is a webhook.
    assert.match(
      files.get('src/webhook/index.ts') ?? '',
      /export const webhooks: readonly WebhookDeclaration\[\] = \[\n {2}\/\/ \+spoke:scaffold:webhooks\n\];/,
    );
    assert.match(files.get('src/cmd/main.ts') ?? '', /manager\.registerWebhooks\(\.\.\.webhooks\);/);
    assert.match(
      files.get('src/manifest-sources.ts') ?? '',
      /export \{ webhooks \} from '\.\/webhook\/index\.js';/,
    );
    const kustomization = files.get('config/default/kustomization.yaml') ?? '';
    assert.match(kustomization, /^#- \.\.\/webhook\n#- \.\.\/certmanager$/m);
    assert.match(kustomization, /^#- path: manager_webhook_patch\.yaml$/m);
    assert.match(kustomization, /^#replacements:$/m);
    assert.doesNotMatch(kustomization, /^replacements:/m);
    assert.match(
      files.get('config/crd/kustomization.yaml') ?? '',
      /^#configurations:\n#- kustomizeconfig\.yaml$/m,
    );
    const pkg = JSON.parse(files.get('package.json') ?? '') as Record<string, Record<string, string>>;
    assert.equal(pkg['name'], 'guestbook');
    assert.deepEqual(
      Object.entries({ ...pkg['dependencies'], ...pkg['devDependencies'] }).filter(([name]) =>
        name.startsWith('@spoke/'),
      ),
      [
        ['@spoke/manager', '^0.1.0'],
        ['@spoke/cli', '^0.1.0'],
        ['@spoke/envtest', '^0.1.0'],
        ['@spoke/manifests', '^0.1.0'],
      ],
    );
    const tsconfig = files.get('tsconfig.json') ?? '';
    assert.match(tsconfig, /"experimentalDecorators": true/);
    assert.match(tsconfig, /"emitDecoratorMetadata": true/);
    assert.match(tsconfig, /Build with tsc .* type-stripping runner/s);
    const makefile = files.get('Makefile') ?? '';
    for (const target of [
      'help',
      'build',
      'fmt',
      'lint',
      'test',
      'run',
      'manifests',
      'install',
      'uninstall',
      'deploy',
      'undeploy',
      'build-installer',
      'docker-build',
      'docker-push',
      'kustomize',
      'envtest',
    ]) {
      assert.match(makefile, new RegExp(`^${target}:.*## `, 'm'), `make ${target}`);
    }
    assert.match(makefile, /^\tnode --enable-source-maps --test/m, 'recipes are tab-indented');
    const overlay = files.get('config/default/kustomization.yaml') ?? '';
    assert.match(overlay, /^namespace: guestbook-system$/m);
    assert.match(overlay, /^namePrefix: guestbook-$/m);
    assert.match(files.get('src/cmd/main.ts') ?? '', /^Copyright 2025 The Guestbook Authors\.$/m);
    assert.match(files.get('src/cmd/main.ts') ?? '', /const leaderElectionId = 'guestbook\.example\.com';/);
    assert.match(
      files.get('src/cmd/main.ts') ?? '',
      /parseManagerFlagsOrExit\(process\.argv\.slice\(2\), \{ program: 'manager' \}\)/,
    );
    const project = parseProjectFile(files.get('PROJECT') ?? '', 'PROJECT');
    assert.deepEqual(
      [project.domain, project.projectName, project.repo, project.resources],
      ['example.com', 'guestbook', 'guestbook', []],
    );
  });

  it('takes --project-name, --repo and --license none', async () => {
    const dir = emptyProjectDir('Not_A_Label');
    const run = await runSpoke(dir, [
      'init',
      '--domain=acme.io',
      '--project-name=shop',
      '--repo=@acme/shop-operator',
      '--license=none',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const files = snapshot(dir);
    assert.equal(
      (JSON.parse(files.get('package.json') ?? '') as { name: string }).name,
      '@acme/shop-operator',
    );
    assert.equal(files.has('hack/boilerplate.ts.txt'), false);
    assert.doesNotMatch(files.get('src/cmd/main.ts') ?? '', /Copyright/);
  });

  it('refuses to run again, or over existing files, naming them, and writes nothing', async () => {
    const dir = emptyProjectDir();
    assert.equal((await runSpoke(dir, ['init', '--domain', 'example.com'])).code, 0);
    const before = snapshot(dir);
    const again = await runSpoke(dir, ['init', '--domain', 'example.com']);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /^spoke init: .* is a project already \(it has a PROJECT file\): add APIs with `spoke create api`\n$/,
    );
    assert.deepEqual(snapshot(dir), before);

    const other = emptyProjectDir();
    writeFileSync(join(other, 'Makefile'), 'mine:\n');
    writeFileSync(join(other, 'README.md'), '# mine\n');
    const conflicting = await runSpoke(other, ['init', '--domain', 'example.com']);
    assert.equal(conflicting.code, 1);
    assert.equal(
      conflicting.stderr,
      'spoke init: 2 problems, nothing was written: refusing to overwrite Makefile: it exists; ' +
        'refusing to overwrite README.md: it exists\n',
    );
    assert.deepEqual([...snapshot(other).keys()].sort(), ['Makefile', 'README.md']);
    assert.equal(readFileSync(join(other, 'Makefile'), 'utf8'), 'mine:\n');
  });

  it('rejects a bad command line with one line and the usage, exit 2, writing nothing', async () => {
    const cases: [string[], string][] = [
      [['init'], '--domain is required: the API groups of the project are <group>.<domain>'],
      [
        ['init', '--domain', 'Example.COM'],
        'invalid --domain "Example.COM": must be a lower-case RFC 1123 subdomain',
      ],
      [
        ['init', '--domain', 'example.com', '--license', 'mit'],
        'invalid --license "mit": must be apache2 or none',
      ],
      [
        ['init', '--domain', 'example.com', '--repo', 'Bad Name'],
        'invalid --repo "Bad Name": must be an npm package name',
      ],
      [['init', '--domain', 'example.com', '--bogus'], 'unknown flag: --bogus'],
      [['init', '--domain', 'example.com', 'extra'], 'init takes no arguments, got "extra"'],
    ];
    for (const [args, problem] of cases) {
      const dir = emptyProjectDir();
      const run = await runSpoke(dir, args);
      assert.equal(run.code, 2, args.join(' '));
      const [first, ...rest] = run.stderr.split('\n');
      assert.ok(first?.startsWith(`spoke init: ${problem}`), `${args.join(' ')}: ${first ?? ''}`);
      assert.equal(rest[0], 'Usage:');
      assert.equal(snapshot(dir).size, 0, `${args.join(' ')} wrote files`);
    }
    const named = await runSpoke(emptyProjectDir('Not_A_Label'), ['init', '--domain', 'example.com']);
    assert.equal(named.code, 2);
    assert.match(
      named.stderr,
      /the directory's name "Not_A_Label" is not a project name .*: pass --project-name/,
    );
  });
});
