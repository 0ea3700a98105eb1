import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as prettier from 'prettier';
import { parseAllDocuments } from 'yaml';
import { parseProjectFile } from '../../../src/project/project-file.js';
import { emptyProjectDir, runSpoke, snapshot } from '../../support/run-spoke.js';

async function ok(dir: string, args: readonly string[]): Promise<string> {
  const run = await runSpoke(dir, args);
  assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

const api = (version: string, ...more: string[]): string[] => [
  'create',
  'api',
  '--group',
  'webapp',
  '--version',
  version,
  '--kind',
  'Guestbook',
  ...more,
];
const webhook = (version: string, ...more: string[]): string[] => [
  'create',
  'webhook',
  '--group',
  'webapp',
  '--version',
  version,
  '--kind',
  'Guestbook',
  ...more,
];

/** `spoke init` and `spoke create api` for webapp/v1 Guestbook in a fresh directory. */
async function projectWithApi(): Promise<string> {
  const dir = emptyProjectDir('guestbook');
  await ok(dir, ['init', '--domain', 'example.com']);
  await ok(dir, api('v1'));
  return dir;
}

describe('spoke create webhook', () => {
  it('scaffolds a defaulter and a validator, their test, the registration and the config wiring', async () => {
    const dir = await projectWithApi();
    const stdout = await ok(dir, webhook('v1', '--defaulting', '--programmatic-validation'));
    for (const path of [
      'src/webhook/webapp/v1/guestbook-webhook.ts',
      'test/webhook/guestbook-webhook.test.ts',
      'config/webhook/kustomization.yaml',
      'config/webhook/service.yaml',
      'config/certmanager/certificate-webhook.yaml',
      'config/default/manager_webhook_patch.yaml',
    ]) {
      assert.match(stdout, new RegExp(`created ${path}\n`));
    }
    for (const path of ['src/webhook/index.ts', 'config/default/kustomization.yaml', 'PROJECT']) {
      assert.match(stdout, new RegExp(`updated ${path}\n`));
    }
    const source = read(dir, 'src/webhook/webapp/v1/guestbook-webhook.ts');
    assert.match(source, /export class GuestbookCustomDefaulter implements CustomDefaulter<Guestbook> \{/);
    assert.match(source, /export class GuestbookCustomValidator implements CustomValidator<Guestbook> \{/);
    assert.match(
      source,
      /export const guestbookWebhook = webhookFor\(GuestbookKind, \{\n {2}defaulter: new GuestbookCustomDefaulter\(\),\n {2}validator: new GuestbookCustomValidator\(\),\n\}\);/,
    );
    assert.match(source, /from '\.\.\/\.\.\/\.\.\/api\/webapp\/v1\/guestbook-types\.js';/);
    assert.match(source, /^\/\*\nCopyright 2025 The guestbook Authors\./, 'the license header');
    const index = read(dir, 'src/webhook/index.ts');
    assert.match(
      index,
      /import \{ guestbookWebhook \} from '\.\/webapp\/v1\/guestbook-webhook\.js';\n\/\/ \+spoke:scaffold:imports/,
    );
    assert.match(index, /\[\n {2}guestbookWebhook,\n {2}\/\/ \+spoke:scaffold:webhooks\n\]/);
    const test = read(dir, 'test/webhook/guestbook-webhook.test.ts');
    assert.match(test, /startTestEnvironment\(\[\], \{ webhooks: \[guestbookWebhook\] \}\)/);
    assert.match(test, /it\('records who created a Guestbook in an annotation, whatever the client sent'/);
    assert.match(
      test,
      /it\("denies a change of who created a Guestbook with the validator's message, and keeps it"/,
    );
    // The example rules use metadata only: they compile whatever the spec becomes (the tutorial replaces foo).
    assert.doesNotMatch(source, /foo/);
    assert.doesNotMatch(test, /foo/);
    assert.match(source, /export const guestbookCreatedByAnnotation = 'webapp\.example\.com\/created-by';/);
    assert.match(
      read(dir, 'config/webhook/kustomization.yaml'),
      /^- manifests\.yaml\n# \+spoke:scaffold:webhookmanifests$/m,
    );

    // config/default now deploys the webhooks: the sections are enabled, and the YAML is one document.
    const kustomization = read(dir, 'config/default/kustomization.yaml');
    const parsed = parseAllDocuments(kustomization).map((doc) => doc.toJS() as Record<string, unknown>);
    assert.equal(parsed.length, 1);
    const config = parsed[0] as {
      resources: string[];
      patches: { path: string }[];
      replacements: { source: { kind: string }; targets: { select: { kind: string } }[] }[];
    };
    assert.deepEqual(config.resources, [
      '../crd',
      '../rbac',
      '../manager',
      '../webhook',
      '../certmanager',
      'metrics_service.yaml',
    ]);
    assert.deepEqual(
      config.patches.map((p) => p.path),
      ['manager_metrics_patch.yaml', 'manager_webhook_patch.yaml'],
    );
    assert.deepEqual(
      config.replacements.map((r) => `${r.source.kind}->${r.targets[0]?.select.kind ?? ''}`),
      [
        'Service->Certificate',
        'Service->Certificate',
        'Certificate->ValidatingWebhookConfiguration',
        'Certificate->ValidatingWebhookConfiguration',
        'Certificate->MutatingWebhookConfiguration',
        'Certificate->MutatingWebhookConfiguration',
      ],
    );
    // The conversion's CA injection stays commented: this kind has none.
    assert.match(kustomization, /^# {9}kind: CustomResourceDefinition$/m);

    const [resource] = parseProjectFile(read(dir, 'PROJECT'), 'PROJECT').resources;
    assert.deepEqual(resource?.webhooks, { defaulting: true, validation: true, webhookVersion: 'v1' });
    assert.match(
      read(dir, 'PROJECT'),
      /webhooks:\n {6}defaulting: true\n {6}validation: true\n {6}webhookVersion: v1/,
    );
  });

  it('scaffolds only what it is asked for', async () => {
    const dir = await projectWithApi();
    await ok(dir, webhook('v1', '--programmatic-validation'));
    const source = read(dir, 'src/webhook/webapp/v1/guestbook-webhook.ts');
    assert.doesNotMatch(source, /Defaulter/);
    assert.match(source, /validator: new GuestbookCustomValidator\(\),\n\}\);/);
    const test = read(dir, 'test/webhook/guestbook-webhook.test.ts');
    assert.doesNotMatch(test, /it\('records who created/);
    assert.doesNotMatch(test, /AuthenticationV1Api/);
    const kustomization = read(dir, 'config/default/kustomization.yaml');
    assert.match(kustomization, /^ {9}kind: ValidatingWebhookConfiguration$/m);
    assert.match(kustomization, /^# {9}kind: MutatingWebhookConfiguration$/m);
    assert.deepEqual(parseProjectFile(read(dir, 'PROJECT'), 'PROJECT').resources[0]?.webhooks, {
      validation: true,
      webhookVersion: 'v1',
    });
  });

  it('adds a second kind beside the first, keeping the shared config and sections', async () => {
    const dir = await projectWithApi();
    await ok(dir, webhook('v1', '--defaulting'));
    await ok(dir, ['create', 'api', '--group', 'crew', '--version', 'v1alpha1', '--kind', 'Sailor']);
    const service = read(dir, 'config/webhook/service.yaml');
    writeFileSync(join(dir, 'config/webhook/service.yaml'), `${service}# mine\n`);
    const stdout = await ok(dir, [
      'create',
      'webhook',
      '--group',
      'crew',
      '--version',
      'v1alpha1',
      '--kind',
      'Sailor',
      '--defaulting',
      '--programmatic-validation',
    ]);
    assert.doesNotMatch(stdout, /config\/webhook\/service\.yaml/);
    assert.match(read(dir, 'config/webhook/service.yaml'), /# mine\n$/);
    assert.match(read(dir, 'src/webhook/index.ts'), /\[\n {2}guestbookWebhook,\n {2}sailorWebhook,\n/);
    const kustomization = read(dir, 'config/default/kustomization.yaml');
    assert.equal(kustomization.match(/^- \.\.\/webhook$/gm)?.length, 1);
    assert.match(kustomization, /^ {9}kind: ValidatingWebhookConfiguration$/m);
  });

  it('scaffolds a conversion per spoke, the hub in the declaration, and the CRD wiring', async () => {
    const dir = await projectWithApi();
    await ok(dir, api('v2', '--controller=false'));
    await ok(dir, api('v1beta1', '--controller=false'));
    const partial = await runSpoke(dir, webhook('v1', '--conversion', '--spoke', 'v2'));
    assert.equal(partial.code, 1);
    assert.match(
      partial.stderr,
      /the conversion converts every version of the Guestbook CRD: add --spoke v1beta1/,
    );
    const stdout = await ok(dir, webhook('v1', '--conversion', '--spoke', 'v2', '--spoke=v1beta1'));
    for (const path of [
      'src/api/webapp/v2/guestbook-conversion.ts',
      'src/api/webapp/v1beta1/guestbook-conversion.ts',
      'config/crd/kustomizeconfig.yaml',
    ]) {
      assert.match(stdout, new RegExp(`created ${path}\n`));
    }
    const source = read(dir, 'src/webhook/webapp/v1/guestbook-webhook.ts');
    assert.doesNotMatch(source, /Defaulter|Validator/);
    assert.match(source, /spokes: \[guestbookV2Conversion, guestbookV1beta1Conversion\],/);
    assert.match(
      source,
      /import \{ guestbookV2Conversion \} from '\.\.\/\.\.\/\.\.\/api\/webapp\/v2\/guestbook-conversion\.js';/,
    );
    const conversion = read(dir, 'src/api/webapp/v2/guestbook-conversion.ts');
    assert.match(
      conversion,
      /export const guestbookV2Conversion: SpokeConversion<HubGuestbook, Guestbook> = \{/,
    );
    assert.match(conversion, /from '\.\.\/v1\/guestbook-types\.js';/);
    const test = read(dir, 'test/webhook/guestbook-webhook.test.ts');
    assert.match(test, /it\('serves a Guestbook created as v2 in v1 too, and back unchanged'/);
    assert.match(test, /it\('serves a Guestbook created as v1beta1 in v1 too, and back unchanged'/);
    assert.match(read(dir, 'config/crd/kustomization.yaml'), /^configurations:\n- kustomizeconfig\.yaml$/m);
    // No admission webhook: no config/webhook/manifests.yaml to list (make manifests writes none).
    assert.doesNotMatch(read(dir, 'config/webhook/kustomization.yaml'), /^- manifests\.yaml$/m);
    assert.doesNotMatch(test, /function object\(/);
    const kustomization = read(dir, 'config/default/kustomization.yaml');
    assert.match(kustomization, /^ {9}kind: CustomResourceDefinition$/m);
    assert.match(kustomization, /^# {9}kind: MutatingWebhookConfiguration$/m);
    const hub = parseProjectFile(read(dir, 'PROJECT'), 'PROJECT').resources.find((r) => r.version === 'v1');
    assert.deepEqual(hub?.webhooks, { conversion: true, spoke: ['v2', 'v1beta1'], webhookVersion: 'v1' });
    assert.match(read(dir, 'PROJECT'), /conversion: true\n {6}spoke:\n {8}- v2\n {8}- v1beta1\n/);

    // One hub per kind.
    const again = await runSpoke(dir, webhook('v2', '--conversion', '--spoke', 'v1'));
    assert.match(again.stderr, /Guestbook v1 is the hub of its conversion already: a kind has one hub/);

    // Another version later: create api says the conversion must cover it.
    const later = await ok(dir, api('v3', '--controller=false'));
    assert.match(
      later,
      /Note: Guestbook v1 converts v2, v1beta1; convert v3 too \(a SpokeConversion in src\/api\/webapp\/v3\/, in the spokes of src\/webhook\/webapp\/v1\/guestbook-webhook\.ts\), or make manifests refuses the CRD\.\n$/,
    );
  });

  it('refuses a kind that is not an API of the project, or has webhooks, writing nothing', async () => {
    const dir = await projectWithApi();
    const before = snapshot(dir);
    const missing = await runSpoke(dir, webhook('v2', '--defaulting'));
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      'spoke create webhook: create webhook scaffolds the webhooks of an API of this project, and webapp/v2 ' +
        'Guestbook is not one: create it first (spoke create api --group webapp --version v2 --kind Guestbook); ' +
        'nothing was written\n',
    );
    assert.deepEqual(snapshot(dir), before);
    await ok(dir, webhook('v1', '--defaulting'));
    const after = snapshot(dir);
    const again = await runSpoke(dir, webhook('v1', '--programmatic-validation'));
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /Guestbook v1 has webhooks already \(src\/webhook\/webapp\/v1\/guestbook-webhook\.ts\): add a defaulter/,
    );
    assert.deepEqual(snapshot(dir), after);
  });

  it('refuses a spoke version that is not an API of the kind, naming how to create it', async () => {
    const dir = await projectWithApi();
    const before = snapshot(dir);
    const run = await runSpoke(dir, webhook('v1', '--conversion', '--spoke', 'v2'));
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /--spoke v2: Guestbook has no version v2 in this project; a spoke must exist as an API first \(spoke create api --group webapp --version v2 --kind Guestbook --controller=false\)/,
    );
    const hub = await runSpoke(dir, webhook('v1', '--conversion', '--spoke', 'v1'));
    assert.equal(hub.code, 1);
    assert.match(hub.stderr, /--spoke v1 is the hub itself/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('never overwrites a file the user wrote, and says which section of config/default is gone', async () => {
    const dir = await projectWithApi();
    mkdirSync(join(dir, 'test/webhook'), { recursive: true });
    writeFileSync(join(dir, 'test/webhook/guestbook-webhook.test.ts'), '// mine\n');
    const before = snapshot(dir);
    const run = await runSpoke(dir, webhook('v1', '--defaulting'));
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'spoke create webhook: refusing to overwrite test/webhook/guestbook-webhook.test.ts: it exists; nothing was written\n',
    );
    assert.deepEqual(snapshot(dir), before);

    const other = await projectWithApi();
    const kustomization = read(other, 'config/default/kustomization.yaml');
    writeFileSync(
      join(other, 'config/default/kustomization.yaml'),
      kustomization.replace('#- ../webhook\n', ''),
    );
    const snap = snapshot(other);
    const gone = await runSpoke(other, webhook('v1', '--defaulting'));
    assert.equal(gone.code, 1);
    assert.match(
      gone.stderr,
      /cannot enable the \[WEBHOOK\] and \[CERTMANAGER\] resources in config\/default\/kustomization\.yaml: neither the commented section nor the enabled one is there; add these lines by hand and run again:\n- \.\.\/webhook\n- \.\.\/certmanager/,
    );
    assert.deepEqual(snapshot(other), snap);
  });

  it('rejects bad input with one line naming the flag and the usage, exit 2, writing nothing', async () => {
    const dir = await projectWithApi();
    const before = snapshot(dir);
    const cases: [string[], RegExp][] = [
      [
        webhook('v1'),
        /^nothing to scaffold: give at least one of --defaulting, --programmatic-validation and --conversion$/,
      ],
      [
        webhook('v1', '--conversion'),
        /^--conversion needs the versions that convert to and from the hub: --spoke <version>$/,
      ],
      [webhook('v1', '--spoke', 'v2'), /^--spoke v2 needs --conversion$/],
      [webhook('v1', '--conversion', '--spoke', 'v2,v2'), /^--spoke v2 is given twice$/],
      [
        webhook('v1', '--conversion', '--spoke', 'two'),
        /^invalid --spoke "two": must be a Kubernetes API version/,
      ],
      [webhook('1', '--defaulting'), /^invalid --version "1"/],
      [webhook('v1', '--defaulting=maybe'), /^invalid value "maybe" for flag --defaulting/],
      [webhook('v1', '--force'), /^unknown flag: --force$/],
      [['create', 'webhook', '--version', 'v1', '--kind', 'Guestbook'], /^--group is required/],
    ];
    for (const [args, problem] of cases) {
      const run = await runSpoke(dir, args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      const [first = '', usage] = run.stderr.split('\n');
      assert.ok(first.startsWith('spoke create webhook: '), first);
      assert.match(first.slice('spoke create webhook: '.length), problem);
      assert.equal(usage, 'Usage:');
    }
    assert.deepEqual(snapshot(dir), before);
  });

  it('writes code that prettier leaves as it is, for short and long names', async () => {
    const dir = await projectWithApi();
    await ok(dir, webhook('v1', '--defaulting', '--programmatic-validation'));
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
    await ok(dir, [
      'create',
      'webhook',
      '--group',
      'networking',
      '--version',
      'v1beta2',
      '--kind',
      'HTTPRouteBindingPolicy',
      '--programmatic-validation',
    ]);
    const options = JSON.parse(read(dir, '.prettierrc.json')) as prettier.Options;
    const checked: string[] = [];
    for (const [path, content] of snapshot(dir)) {
      if (!path.endsWith('.ts')) continue;
      checked.push(path);
      assert.ok(
        await prettier.check(content, { ...options, filepath: join(dir, path) }),
        `${path} is not formatted`,
      );
    }
    assert.ok(checked.includes('src/webhook/networking/v1beta2/http-route-binding-policy-webhook.ts'));
    assert.ok(checked.includes('test/webhook/http-route-binding-policy-webhook.test.ts'));
  });
});
