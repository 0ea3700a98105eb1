import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { parse } from 'yaml';
import {
  crdFileName,
  crdFromDefinition,
  StructuralSchemaError,
  toManifestYaml,
  type CustomResourceSource,
} from '../../src/index.js';

const widget: CustomResourceSource = {
  group: 'example.com',
  version: 'v1alpha1',
  kind: 'Widget',
  plural: 'widgets',
  shortNames: ['wd'],
  categories: ['all'],
  scope: 'Namespaced',
  schema: Type.Object({
    spec: Type.Optional(
      Type.Object(
        { replicas: Type.Optional(Type.Integer({ minimum: 0, default: 1 })) },
        { default: {}, 'x-kubernetes-validations': [{ rule: 'self.replicas < 10', message: 'too many' }] },
      ),
    ),
    status: Type.Optional(
      Type.Object({ replicas: Type.Optional(Type.Integer()), selector: Type.Optional(Type.String()) }),
    ),
  }),
  printerColumns: [
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'desired' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', priority: 0 },
  ],
  subresources: {
    status: true,
    scale: {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    },
  },
};

function rejection(def: CustomResourceSource): StructuralSchemaError {
  try {
    crdFromDefinition(def);
  } catch (error) {
    if (error instanceof StructuralSchemaError) return error;
    throw error;
  }
  assert.fail('expected the definition to be rejected');
}

describe('crdFromDefinition', () => {
  it('names the CRD <plural>.<group> and derives listKind and singular', () => {
    const crd = crdFromDefinition(widget);
    assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
    assert.equal(crd.metadata.name, 'widgets.example.com');
    assert.deepEqual(crd.spec.names, {
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      categories: ['all'],
    });
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.equal(crdFileName(widget), 'example.com_widgets.yaml');
  });

  it('serves and stores the one version, with printer columns and both subresources', () => {
    const [version] = crdFromDefinition(widget).spec.versions;
    assert.ok(version);
    assert.equal(version.name, 'v1alpha1');
    assert.equal(version.served, true);
    assert.equal(version.storage, true);
    assert.deepEqual(version.additionalPrinterColumns, [
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'desired' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    assert.deepEqual(version.subresources, {
      status: {},
      scale: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.replicas',
        labelSelectorPath: '.status.selector',
      },
    });
  });

  it('adds apiVersion, kind and metadata as controller-gen does, and keeps defaults and CEL rules', () => {
    const schema = crdFromDefinition(widget).spec.versions[0]?.schema.openAPIV3Schema;
    const properties = schema?.properties ?? {};
    assert.equal(properties['apiVersion']?.type, 'string');
    assert.match(properties['kind']?.description ?? '', /^Kind is a string value/);
    assert.deepEqual(properties['metadata'], { type: 'object' });
    const spec = properties['spec'];
    assert.deepEqual(spec?.default, {});
    assert.deepEqual(spec.properties?.['replicas'], { type: 'integer', minimum: 0, default: 1 });
    assert.deepEqual(spec['x-kubernetes-validations'], [{ rule: 'self.replicas < 10', message: 'too many' }]);
  });

  it('omits subresources when none is enabled', () => {
    const plain = crdFromDefinition({ ...widget, subresources: { status: false }, printerColumns: [] });
    assert.equal(plain.spec.versions[0]?.subresources, undefined);
    assert.equal(plain.spec.versions[0]?.additionalPrinterColumns, undefined);
  });

  it('rejects a scale subresource whose paths are not integer fields', () => {
    const error = rejection({
      ...widget,
      subresources: { scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.replicas' } },
    });
    assert.equal(error.path, '.spec.size');
    assert.match(error.reason, /integer/);
  });

  it('rejects names the API server would refuse', () => {
    assert.match(rejection({ ...widget, group: 'example' }).reason, /domain name/);
    assert.match(rejection({ ...widget, plural: 'Widgets' }).reason, /lower-case DNS label/);
    assert.match(rejection({ ...widget, version: 'one' }).reason, /v1alpha1/);
  });

  it('renders the same YAML every time, keys sorted, and the YAML reads back as the object', () => {
    const first = toManifestYaml([crdFromDefinition(widget)]);
    const second = toManifestYaml([crdFromDefinition({ ...widget })]);
    assert.equal(first, second);
    assert.match(
      first,
      /^# Code generated by spoke-manifests .*\n---\napiVersion: apiextensions\.k8s\.io\/v1\nkind: CustomResourceDefinition\nmetadata:\n/,
    );
    assert.deepEqual(parse(first), JSON.parse(JSON.stringify(crdFromDefinition(widget))));
    // controller-gen's layout: sequences at their key's indentation.
    assert.match(first, /\n {2}versions:\n {2}- additionalPrinterColumns:\n/);
  });
});
