import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { parseAllDocuments } from 'yaml';
import {
  generateManifests,
  loadManifestSources,
  webhookConfigurations,
  type ControllerRbacSource,
  type CustomResourceSource,
  type WebhookSource,
} from '../../src/index.js';

const entry = (prefix: 'mutate' | 'validate', version: string) => ({
  path: `/${prefix}-example-com-${version}-widget`,
  name: `${prefix[0] ?? ''}widget-${version}.example.com`,
  failurePolicy: 'Fail' as const,
  sideEffects: 'None' as const,
  operations: ['CREATE' as const, 'UPDATE' as const],
  timeoutSeconds: 10,
});
const widgetKind = { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets' };
const widgetWebhooks: WebhookSource = {
  kind: widgetKind,
  mutating: entry('mutate', 'v1'),
  validating: {
    ...entry('validate', 'v1'),
    operations: ['CREATE', 'UPDATE', 'DELETE'],
    failurePolicy: 'Ignore',
  },
  conversion: { path: '/convert', versions: ['v1', 'v1alpha1'] },
};
const podWebhook: WebhookSource = {
  kind: { group: '', version: 'v1', kind: 'Pod', plural: 'pods' },
  validating: {
    ...entry('validate', 'v1'),
    path: '/validate-core-v1-pod',
    name: 'vpod-v1.core',
    timeoutSeconds: 5,
  },
};
const widget: CustomResourceSource = {
  group: 'example.com',
  kind: 'Widget',
  plural: 'widgets',
  scope: 'Namespaced',
  versions: [
    { name: 'v1', storage: true, schema: Type.Object({}) },
    { name: 'v1alpha1', storage: false, schema: Type.Object({}) },
  ],
};
const controller: ControllerRbacSource = {
  name: 'widget',
  for: { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true },
} as ControllerRbacSource;

describe('webhookConfigurations', () => {
  it("writes controller-gen's two configurations, entries sorted by name, each calling webhook-service", () => {
    const [mutating, validating, ...rest] = webhookConfigurations([widgetWebhooks, podWebhook]);
    assert.equal(rest.length, 0);
    assert.equal(mutating?.kind, 'MutatingWebhookConfiguration');
    assert.equal(mutating.metadata.name, 'mutating-webhook-configuration');
    assert.deepEqual(mutating.webhooks, [
      {
        admissionReviewVersions: ['v1'],
        clientConfig: {
          service: { name: 'webhook-service', namespace: 'system', path: '/mutate-example-com-v1-widget' },
        },
        failurePolicy: 'Fail',
        name: 'mwidget-v1.example.com',
        rules: [
          {
            apiGroups: ['example.com'],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['widgets'],
          },
        ],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ]);
    assert.equal(validating?.kind, 'ValidatingWebhookConfiguration');
    assert.equal(validating.metadata.name, 'validating-webhook-configuration');
    assert.deepEqual(
      validating.webhooks.map((w) => [
        w.name,
        w.failurePolicy,
        w.rules[0]?.apiGroups,
        w.rules[0]?.operations,
      ]),
      [
        ['vpod-v1.core', 'Fail', [''], ['CREATE', 'UPDATE']],
        ['vwidget-v1.example.com', 'Ignore', ['example.com'], ['CREATE', 'UPDATE', 'DELETE']],
      ],
    );
    assert.equal(validating.webhooks[0]?.timeoutSeconds, 5);
  });

  it('leaves out a configuration with no entry, and writes nothing for conversion only', () => {
    assert.deepEqual(
      webhookConfigurations([podWebhook]).map((c) => c.kind),
      ['ValidatingWebhookConfiguration'],
    );
    assert.deepEqual(
      webhookConfigurations([{ kind: widgetKind, conversion: widgetWebhooks.conversion }]),
      [],
    );
  });

  it('refuses two webhooks with the same name or path', () => {
    assert.throws(() => webhookConfigurations([widgetWebhooks, widgetWebhooks]), /two webhooks are named/);
  });
});

describe('generateManifests with webhooks', () => {
  it('adds config/webhook/manifests.yaml and the conversion stanza of the converted CRD', () => {
    const files = generateManifests({
      customResources: [widget],
      controllers: [controller],
      webhooks: [widgetWebhooks],
    });
    assert.deepEqual(
      files.map((f) => f.path),
      ['config/crd/bases/example.com_widgets.yaml', 'config/rbac/role.yaml', 'config/webhook/manifests.yaml'],
    );
    const [crd] = parseAllDocuments(files[0]?.content ?? '').map(
      (d) => d.toJS() as { spec: { conversion?: unknown } },
    );
    assert.equal((crd?.spec.conversion as { strategy: string } | undefined)?.strategy, 'Webhook');
    const kinds = parseAllDocuments(files[2]?.content ?? '').map((d) => (d.toJS() as { kind: string }).kind);
    assert.deepEqual(kinds, ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
  });

  it('writes no webhook file and no conversion without webhooks, and the same RBAC either way', () => {
    const without = generateManifests({ customResources: [widget], controllers: [controller] });
    const withWebhooks = generateManifests({
      customResources: [widget],
      controllers: [controller],
      webhooks: [widgetWebhooks],
    });
    assert.deepEqual(
      without.map((f) => f.path),
      ['config/crd/bases/example.com_widgets.yaml', 'config/rbac/role.yaml'],
    );
    assert.doesNotMatch(without[0]?.content ?? '', /conversion/);
    assert.equal(without[1]?.content, withWebhooks[1]?.content);
  });

  it('names what is wrong with a conversion or admission webhook that does not fit the custom resources', () => {
    assert.throws(
      () => generateManifests({ customResources: [], controllers: [], webhooks: [widgetWebhooks] }),
      /Widget\.example\.com is not among the custom resources/,
    );
    assert.throws(
      () =>
        generateManifests({
          customResources: [widget],
          controllers: [],
          webhooks: [{ kind: { ...widgetKind, version: 'v2' }, mutating: entry('mutate', 'v2') }],
        }),
      /version v2, which the CRD does not serve \(v1, v1alpha1\)/,
    );
  });
});

describe('loadManifestSources: the webhooks export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-webhooks-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  let n = 0;
  async function load(webhooks: string): Promise<readonly WebhookSource[] | undefined> {
    const file = join(dir, `sources-${n++}.mjs`);
    writeFileSync(file, `export const customResources = [];\nexport const controllers = [];\n${webhooks}\n`);
    return (await loadManifestSources(file, () => assert.fail('no controller to read'))).webhooks;
  }
  const valid = JSON.stringify(widgetWebhooks);

  it('reads the declarations as plain data, and none when the export is absent', async () => {
    assert.deepEqual(await load(''), []);
    assert.deepEqual(await load(`export const webhooks = [${valid}];`), [widgetWebhooks]);
  });

  it('rejects malformed declarations with the field named', async () => {
    const cases: [string, RegExp][] = [
      ['export const webhooks = {};', /`webhooks` must be an array/],
      ['export const webhooks = [42];', /webhooks\[0\] is not a webhook declaration/],
      [
        'export const webhooks = [{ kind: { group: "a.b" } }];',
        /webhooks\[0\]\.kind has no string `version`/,
      ],
      [
        `export const webhooks = [{ kind: ${JSON.stringify(widgetKind)} }];`,
        /declares no mutating, validating or conversion webhook/,
      ],
      [
        `export const webhooks = [{ ...${valid}, mutating: { ...${valid}.mutating, failurePolicy: 'Maybe' } }];`,
        /webhooks\[0\]\.mutating \(Widget v1\): `failurePolicy` must be Fail or Ignore/,
      ],
      [
        `export const webhooks = [{ ...${valid}, validating: { ...${valid}.validating, operations: ['PATCH'] } }];`,
        /`operations` must be a non-empty list/,
      ],
      [
        `export const webhooks = [{ ...${valid}, validating: { ...${valid}.validating, timeoutSeconds: 60 } }];`,
        /`timeoutSeconds` must be an integer from 1 to 30/,
      ],
      [
        `export const webhooks = [{ ...${valid}, conversion: { path: '/convert', versions: ['v1alpha1', 'v1'] } }];`,
        /must start with the hub/,
      ],
    ];
    for (const [source, message] of cases) await assert.rejects(load(source), message, source);
  });
});
