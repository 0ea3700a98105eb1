import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  crdFromDefinition,
  loadManifestSources,
  StructuralSchemaError,
  type CustomResourceVersionSource,
  type MultiVersionCustomResourceSource,
} from '../../src/index.js';

const v1alpha1: CustomResourceVersionSource = {
  name: 'v1alpha1',
  storage: false,
  schema: Type.Object({ spec: Type.Optional(Type.Object({ size: Type.Optional(Type.Integer()) })) }),
  printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
};
const v1: CustomResourceVersionSource = {
  name: 'v1',
  storage: true,
  schema: Type.Object({
    spec: Type.Optional(Type.Object({ replicas: Type.Optional(Type.Integer()) })),
    status: Type.Optional(Type.Object({ replicas: Type.Optional(Type.Integer()) })),
  }),
  printerColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
  subresources: {
    status: true,
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
  },
};
const widget: MultiVersionCustomResourceSource = {
  group: 'example.com',
  kind: 'Widget',
  plural: 'widgets',
  scope: 'Namespaced',
  versions: [v1, v1alpha1],
};

function rejection(
  def: MultiVersionCustomResourceSource,
  conversionVersions?: string[],
): StructuralSchemaError {
  try {
    crdFromDefinition(def, conversionVersions === undefined ? {} : { conversionVersions });
  } catch (error) {
    if (error instanceof StructuralSchemaError) return error;
    throw error;
  }
  assert.fail('expected the definition to be rejected');
}

describe('crdFromDefinition with several versions', () => {
  it('writes each version with its own schema, columns and subresources, in the order given', () => {
    const { versions, conversion } = crdFromDefinition(widget).spec;
    assert.deepEqual(
      versions.map((v) => [v.name, v.served, v.storage]),
      [
        ['v1', true, true],
        ['v1alpha1', true, false],
      ],
    );
    const [stored, old] = versions;
    assert.ok(stored?.schema.openAPIV3Schema.properties?.['status']);
    assert.equal(old?.schema.openAPIV3Schema.properties?.['status'], undefined);
    assert.deepEqual(
      old?.additionalPrinterColumns?.map((c) => c.name),
      ['Size'],
    );
    assert.deepEqual(stored.subresources, {
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
    });
    assert.equal(old.subresources, undefined);
    // No webhook converts it: the API server's default (None) applies, so no stanza is written.
    assert.equal(conversion, undefined);
  });

  it('adds the Webhook conversion stanza on /convert of webhook-service when a webhook converts every version', () => {
    const crd = crdFromDefinition(widget, { conversionVersions: ['v1', 'v1alpha1'] });
    assert.deepEqual(crd.spec.conversion, {
      strategy: 'Webhook',
      webhook: {
        clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/convert' } },
        conversionReviewVersions: ['v1'],
      },
    });
  });

  it('rejects a conversion that misses or invents a version', () => {
    assert.match(rejection(widget, ['v1']).reason, /does not convert v1alpha1/);
    assert.match(rejection(widget, ['v1', 'v1alpha1', 'v2']).reason, /has no version v2/);
  });

  it('needs exactly one served storage version', () => {
    const none = rejection({ ...widget, versions: [{ ...v1, storage: false }, v1alpha1] });
    assert.equal(none.path, '.versions');
    assert.match(none.reason, /exactly one version must have storage: true, found 0/);
    assert.match(
      rejection({ ...widget, versions: [v1, { ...v1alpha1, storage: true }] }).reason,
      /found 2 \(v1, v1alpha1\)/,
    );
    assert.match(
      rejection({ ...widget, versions: [{ ...v1, served: false }, v1alpha1] }).reason,
      /storage version v1 must be served/,
    );
    assert.match(rejection({ ...widget, versions: [] }).reason, /at least one version/);
    assert.match(
      rejection({ ...widget, versions: [v1, { ...v1alpha1, name: 'v1' }] }).reason,
      /listed twice/,
    );
    assert.match(
      rejection({ ...widget, versions: [v1, { ...v1alpha1, name: 'beta' }] }).reason,
      /must look like/,
    );
  });

  it('marks a deprecated version with its warning, and refuses a warning on a version not deprecated', () => {
    const crd = crdFromDefinition({
      ...widget,
      versions: [v1, { ...v1alpha1, deprecated: true, deprecationWarning: 'use v1' }],
    });
    assert.equal(crd.spec.versions[1]?.deprecated, true);
    assert.equal(crd.spec.versions[1].deprecationWarning, 'use v1');
    assert.equal(crd.spec.versions[0]?.deprecated, undefined);
    assert.match(
      rejection({ ...widget, versions: [v1, { ...v1alpha1, deprecationWarning: 'use v1' }] }).reason,
      /needs deprecated: true/,
    );
  });

  it('names the version in a schema error', () => {
    const error = rejection({
      ...widget,
      versions: [
        v1,
        {
          ...v1alpha1,
          subresources: { scale: { specReplicasPath: '.spec.none', statusReplicasPath: '.status.replicas' } },
        },
      ],
    });
    assert.equal(error.resource, 'widgets.example.com/v1alpha1');
  });
});

describe('loadManifestSources: a multi-version custom resource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-versions-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  let n = 0;
  async function load(resource: string): Promise<unknown> {
    const file = join(dir, `sources-${n++}.mjs`);
    writeFileSync(file, `export const customResources = [${resource}];\nexport const controllers = [];\n`);
    return (await loadManifestSources(file, () => assert.fail('no controller to read'))).customResources[0];
  }
  const names = `group: 'example.com', kind: 'Widget', plural: 'widgets', scope: 'Namespaced'`;

  it('reads the versions form', async () => {
    const loaded = await load(
      `{ ${names}, versions: [{ name: 'v1', storage: true, schema: { type: 'object' } }] }`,
    );
    assert.deepEqual((loaded as MultiVersionCustomResourceSource).versions[0]?.name, 'v1');
  });

  it('names what is missing or mixed', async () => {
    const cases: [string, RegExp][] = [
      [`{ ${names} }`, /has neither a string `version` nor a `versions` array/],
      [`{ ${names}, versions: [] }`, /`versions` must be a non-empty array/],
      [`{ ${names}, version: 'v1', versions: [] }`, /has both `versions` and a top-level/],
      [
        `{ ${names}, versions: [{ name: 'v1', schema: {} }] }`,
        /versions\[0\] \(v1\) has no boolean `storage`/,
      ],
      [
        `{ ${names}, versions: [{ name: 'v1', storage: true }] }`,
        /versions\[0\] \(v1\) has no `schema` object/,
      ],
    ];
    for (const [source, message] of cases) await assert.rejects(load(source), message, source);
  });
});
