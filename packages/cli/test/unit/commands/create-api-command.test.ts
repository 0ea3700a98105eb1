import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as prettier from 'prettier';
import { parseProjectFile } from '../../../src/project/project-file.js';
import { emptyProjectDir, runSpoke, snapshot } from '../../support/run-spoke.js';

/** A new project (spoke init) in a fresh directory. */
async function newProject(): Promise<string> {
  const dir = emptyProjectDir('guestbook');
  const run = await runSpoke(dir, ['init', '--domain', 'example.com']);
  assert.equal(run.code, 0, run.stderr);
  return dir;
}

const guestbook = ['create', 'api', '--group', 'webapp', '--version', 'v1', '--kind', 'Guestbook'];

async function ok(dir: string, args: readonly string[]): Promise<string> {
  const run = await runSpoke(dir, args);
  assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

describe('spoke create api', () => {
  it('scaffolds the API, its sample, roles and controller, and registers them at the markers', async () => {
    const dir = await newProject();
    const stdout = await ok(dir, guestbook);
    for (const path of [
      'src/api/condition.ts',
      'src/api/webapp/v1/groupversion-info.ts',
      'src/api/webapp/v1/guestbook-types.ts',
      'config/samples/webapp_v1_guestbook.yaml',
      'config/rbac/guestbook_admin_role.yaml',
      'src/controller/guestbook-controller.ts',
      'test/controller/guestbook-controller.test.ts',
    ]) {
      assert.match(stdout, new RegExp(`created ${path}`));
    }
    const types = read(dir, 'src/api/webapp/v1/guestbook-types.ts');
    assert.match(types, /plural: 'guestbooks',/);
    assert.match(types, /scope: 'Namespaced',/);
    assert.match(
      read(dir, 'src/api/webapp/v1/groupversion-info.ts'),
      /group: 'webapp\.example\.com', version: 'v1'/,
    );
    const controller = read(dir, 'src/controller/guestbook-controller.ts');
    assert.match(controller, /name: 'guestbook',\n {2}for: GuestbookKind,/);
    assert.match(controller, /writes: \{ kind: GuestbookKind, subresource: 'status' \},/);
    assert.match(
      read(dir, 'src/controller/index.ts'),
      /import \{ GuestbookController \} from '\.\/guestbook-controller\.js';\n\/\/ \+spoke:scaffold:imports/,
    );
    assert.match(
      read(dir, 'src/controller/index.ts'),
      /\[\n {2}GuestbookController,\n {2}\/\/ \+spoke:scaffold:controllers\n\]/,
    );
    assert.match(
      read(dir, 'src/manifest-sources.ts'),
      /\[\n {2}guestbookCustomResource,\n {2}\/\/ \+spoke:scaffold:customresources/,
    );
    assert.match(
      read(dir, 'config/crd/kustomization.yaml'),
      /^- bases\/webapp\.example\.com_guestbooks\.yaml$/m,
    );
    assert.match(read(dir, 'config/samples/kustomization.yaml'), /^- webapp_v1_guestbook\.yaml$/m);
    assert.match(read(dir, 'config/rbac/kustomization.yaml'), /^- guestbook_viewer_role\.yaml$/m);
    assert.match(
      read(dir, 'config/samples/webapp_v1_guestbook.yaml'),
      /^apiVersion: webapp\.example\.com\/v1\nkind: Guestbook\n/,
    );
    assert.deepEqual(parseProjectFile(read(dir, 'PROJECT'), 'PROJECT').resources, [
      {
        domain: 'example.com',
        group: 'webapp',
        version: 'v1',
        kind: 'Guestbook',
        plural: 'guestbooks',
        api: { crdVersion: 'v1', namespaced: true },
        controller: true,
        path: 'src/api/webapp/v1/guestbook-types.ts',
      },
    ]);
  });

  it('adds a second kind beside the first, sharing what they share', async () => {
    const dir = await newProject();
    await ok(dir, guestbook);
    const condition = read(dir, 'src/api/condition.ts');
    writeFileSync(join(dir, 'src/api/condition.ts'), `${condition}// edited by the user\n`);
    const stdout = await ok(dir, [
      'create',
      'api',
      '--group',
      'webapp',
      '--version',
      'v1',
      '--kind',
      'Visitor',
      '--plural',
      'people',
    ]);
    assert.doesNotMatch(stdout, /condition\.ts|groupversion-info\.ts/);
    assert.match(read(dir, 'src/api/condition.ts'), /edited by the user/);
    assert.match(read(dir, 'src/controller/index.ts'), /GuestbookController,\n {2}VisitorController,\n/);
    assert.match(
      read(dir, 'config/crd/kustomization.yaml'),
      /_guestbooks\.yaml\n- bases\/webapp\.example\.com_people\.yaml\n/,
    );
    assert.deepEqual(
      parseProjectFile(read(dir, 'PROJECT'), 'PROJECT').resources.map((r) => `${r.kind}:${r.plural}`),
      ['Guestbook:guestbooks', 'Visitor:people'],
    );
  });

  it('refuses an existing kind, in any group or version, writing nothing', async () => {
    const dir = await newProject();
    await ok(dir, guestbook);
    const before = snapshot(dir);
    const again = await runSpoke(dir, guestbook);
    assert.equal(again.code, 1);
    assert.equal(
      again.stderr,
      'spoke create api: the kind Guestbook already exists in webapp/v1 (src/api/webapp/v1/guestbook-types.ts); ' +
        'nothing was written\n',
    );
    const otherVersion = await runSpoke(dir, [
      'create',
      'api',
      '--group',
      'crew',
      '--version',
      'v2',
      '--kind',
      'Guestbook',
    ]);
    assert.equal(otherVersion.code, 1);
    assert.match(
      otherVersion.stderr,
      /the kind Guestbook already exists in webapp\/v1: a project has one kind of a name/,
    );
    assert.deepEqual(snapshot(dir), before);
  });

  it('adds another version of a kind to its CRD: a versions file, storage the first, no second controller', async () => {
    const dir = await newProject();
    await ok(dir, guestbook);
    const v2 = ['create', 'api', '--group', 'webapp', '--version', 'v2', '--kind', 'Guestbook'];
    const before = snapshot(dir);
    const withController = await runSpoke(dir, v2);
    assert.equal(withController.code, 1);
    assert.match(
      withController.stderr,
      /Guestbook has a controller \(src\/controller\/\), which reconciles it in every version: add v2 with --controller=false; nothing was written/,
    );
    const otherPlural = await runSpoke(dir, [...v2, '--controller=false', '--plural', 'books']);
    assert.match(
      otherPlural.stderr,
      /Guestbook v1 has the plural guestbooks: every version of a kind shares/,
    );
    const otherScope = await runSpoke(dir, [...v2, '--controller=false', '--namespaced=false']);
    assert.match(
      otherScope.stderr,
      /Guestbook v1 is namespaced: every version of a kind has its CRD's scope/,
    );
    assert.deepEqual(snapshot(dir), before);

    const stdout = await ok(dir, [...v2, '--controller=false']);
    for (const path of [
      'src/api/webapp/v2/groupversion-info.ts',
      'src/api/webapp/v2/guestbook-types.ts',
      'src/api/webapp/guestbook-versions.ts',
      'config/samples/webapp_v2_guestbook.yaml',
    ]) {
      assert.match(stdout, new RegExp(`created ${path}\n`));
    }
    assert.doesNotMatch(stdout, /role\.yaml|controller/);
    const versions = read(dir, 'src/api/webapp/guestbook-versions.ts');
    assert.match(versions, /import \{ guestbookCustomResource as v1 \} from '\.\/v1\/guestbook-types\.js';/);
    assert.match(versions, /import \{ guestbookCustomResource as v2 \} from '\.\/v2\/guestbook-types\.js';/);
    assert.match(versions, /const storageVersion = 'v1';/);
    assert.match(
      versions,
      /withVersions\(storageVersion, \[\n {2}v1,\n {2}v2,\n {2}\/\/ \+spoke:scaffold:versions\n\]\)/,
    );
    const sources = read(dir, 'src/manifest-sources.ts');
    assert.match(
      sources,
      /^import \{ guestbookCustomResource \} from '\.\/api\/webapp\/guestbook-versions\.js';$/m,
    );
    assert.doesNotMatch(sources, /v1\/guestbook-types/);
    assert.equal(sources.match(/^ {2}guestbookCustomResource,$/gm)?.length, 1);
    assert.equal(read(dir, 'config/crd/kustomization.yaml').match(/guestbooks\.yaml/g)?.length, 1);
    assert.deepEqual(
      parseProjectFile(read(dir, 'PROJECT'), 'PROJECT').resources.map((r) => [
        r.version,
        r.controller === true,
      ]),
      [
        ['v1', true],
        ['v2', false],
      ],
    );

    // A third version joins the list at its markers.
    await ok(dir, [
      'create',
      'api',
      '--group',
      'webapp',
      '--version',
      'v3',
      '--kind',
      'Guestbook',
      '--controller=false',
    ]);
    const three = read(dir, 'src/api/webapp/guestbook-versions.ts');
    assert.match(three, /as v3 \} from '\.\/v3\/guestbook-types\.js';\n\/\/ \+spoke:scaffold:imports/);
    assert.match(three, /\[\n {2}v1,\n {2}v2,\n {2}v3,\n {2}\/\/ \+spoke:scaffold:versions/);
  });

  it('never overwrites a file the user wrote, and names it', async () => {
    const dir = await newProject();
    mkdirSync(join(dir, 'test/controller'), { recursive: true });
    writeFileSync(join(dir, 'test/controller/guestbook-controller.test.ts'), '// my test\n');
    const before = snapshot(dir);
    const run = await runSpoke(dir, guestbook);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'spoke create api: refusing to overwrite test/controller/guestbook-controller.test.ts: it exists; nothing was written\n',
    );
    assert.deepEqual(snapshot(dir), before);
  });

  it('says which marker is gone when a registration cannot be added, and writes nothing', async () => {
    const dir = await newProject();
    const index = read(dir, 'src/controller/index.ts');
    writeFileSync(
      join(dir, 'src/controller/index.ts'),
      index.replace('  // +spoke:scaffold:controllers\n', ''),
    );
    const before = snapshot(dir);
    const run = await runSpoke(dir, guestbook);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /cannot add to src\/controller\/index\.ts: it has no `\/\/ \+spoke:scaffold:controllers` line/,
    );
    assert.deepEqual(snapshot(dir), before);
  });

  it('rejects bad input with one line naming the flag and the usage, exit 2, writing nothing', async () => {
    const dir = await newProject();
    const before = snapshot(dir);
    const api = (group: string, version: string, kind: string, ...more: string[]): string[] => [
      'create',
      'api',
      '--group',
      group,
      '--version',
      version,
      '--kind',
      kind,
      ...more,
    ];
    const cases: [string[], RegExp][] = [
      [
        api('Web_App', 'v1', 'Guestbook'),
        /^invalid --group "Web_App": must be a lower-case RFC 1123 subdomain/,
      ],
      [api('webapp', '1', 'Guestbook'), /^invalid --version "1": must be a Kubernetes API version/],
      [api('webapp', 'v1.0', 'Guestbook'), /^invalid --version "v1\.0"/],
      [api('webapp', 'v1beta', 'Guestbook'), /^invalid --version "v1beta"/],
      [api('webapp', 'v1', 'guestbook'), /^invalid --kind "guestbook": must be CamelCase/],
      [api('webapp', 'v1', 'Guest_Book'), /^invalid --kind "Guest_Book": must be CamelCase/],
      [api('webapp', 'v1', 'Client'), /^invalid --kind "Client": collides with the name Client/],
      [api('webapp', 'v1', 'Guestbook', '--plural', 'Books'), /^invalid --plural "Books"/],
      [api('webapp', 'v1', 'Guestbook', '--resource=false', '--controller=false'), /^nothing to scaffold/],
      [
        api('webapp', 'v1', 'Guestbook', '--controller=maybe'),
        /^invalid value "maybe" for flag --controller/,
      ],
      [['create', 'api', '--group', 'webapp', '--version', 'v1'], /^--kind is required, e.g. --kind Frigate/],
      [
        api(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(53)}`, 'v1', 'Guestbook'),
        /the API group .* must be at most 253/,
      ],
    ];
    for (const [args, problem] of cases) {
      const run = await runSpoke(dir, args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      const [first = '', usage] = run.stderr.split('\n');
      assert.ok(first.startsWith('spoke create api: '), first);
      assert.match(first.slice('spoke create api: '.length), problem);
      assert.equal(usage, 'Usage:');
    }
    assert.deepEqual(snapshot(dir), before);
  });

  it('needs a spoke project', async () => {
    const dir = emptyProjectDir();
    const run = await runSpoke(dir, guestbook);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `spoke create api: no PROJECT file in ${dir}: run this in a project made by \`spoke init\`\n`,
    );
  });

  it('creates the API now and its controller later, once', async () => {
    const dir = await newProject();
    const apiOnly = await ok(dir, [...guestbook, '--controller=false']);
    assert.doesNotMatch(apiOnly, /controller/);
    const controllerOnly = await ok(dir, [...guestbook, '--resource=false']);
    assert.match(controllerOnly, /created src\/controller\/guestbook-controller\.ts/);
    assert.doesNotMatch(controllerOnly, /types\.ts|sample/);
    assert.equal(parseProjectFile(read(dir, 'PROJECT'), 'PROJECT').resources[0]?.controller, true);
    const third = await runSpoke(dir, [...guestbook, '--resource=false']);
    assert.equal(third.code, 1);
    assert.match(third.stderr, /the kind Guestbook already has a controller/);
    const unknown = await runSpoke(dir, [
      'create',
      'api',
      '--group',
      'webapp',
      '--version',
      'v1',
      '--kind',
      'Ghost',
      '--resource=false',
    ]);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /--resource=false adds a controller to an API of this project, and webapp\/v1 Ghost is not one/,
    );
  });

  it('scaffolds a cluster-scoped kind with --namespaced=false', async () => {
    const dir = await newProject();
    await ok(dir, [
      'create',
      'api',
      '--group',
      'infra',
      '--version',
      'v1alpha1',
      '--kind',
      'Cluster',
      '--namespaced=false',
    ]);
    assert.match(read(dir, 'src/api/infra/v1alpha1/cluster-types.ts'), /scope: 'Cluster',/);
    assert.match(
      read(dir, 'test/controller/cluster-controller.test.ts'),
      /metadata: \{ name: 'test-cluster' \},/,
    );
    assert.match(read(dir, 'src/controller/cluster-controller.ts'), /\{ cluster: req\.name, generation \}/);
  });

  it('writes code that prettier leaves as it is, for short and long names', async () => {
    const dir = await newProject();
    await ok(dir, guestbook);
    await ok(dir, [
      'create',
      'api',
      '--group',
      'networking',
      '--version',
      'v1beta2',
      '--kind',
      'HTTPRouteBindingPolicy',
    ]);
    const options = JSON.parse(read(dir, '.prettierrc.json')) as prettier.Options;
    const checked: string[] = [];
    for (const [path, content] of snapshot(dir)) {
      if (!/\.(ts|json|md)$/.test(path) || path.startsWith('config/')) continue;
      checked.push(path);
      assert.ok(
        await prettier.check(content, { ...options, filepath: join(dir, path) }),
        `${path} is not formatted`,
      );
    }
    assert.ok(checked.includes('src/controller/http-route-binding-policy-controller.ts'));
  });
});
