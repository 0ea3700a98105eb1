import { assertStructuralSchema } from './assert-structural-schema.js';
import type {
  CustomResourceConversion,
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
} from './custom-resource-definition.js';
import {
  versionsOf,
  type CustomResourceSource,
  type CustomResourceVersionSource,
  type PrinterColumnSource,
  type ScaleSubresourceSource,
} from './custom-resource-source.js';
import type { JSONSchemaProps } from './json-schema-props.js';
import { StructuralSchemaError } from './structural-schema-error.js';
import { toJSONSchemaProps } from './to-json-schema-props.js';

// The API conventions' text for the fields every object has, as controller-gen writes it from the Go doc comments,
// so `kubectl explain` reads the same as for a kubebuilder CRD.
const apiVersionDescription = [
  'APIVersion defines the versioned schema of this representation of an object.',
  'Servers should convert recognized schemas to the latest internal value, and',
  'may reject unrecognized values.',
  'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
].join('\n');
const kindDescription = [
  'Kind is a string value representing the REST resource this object represents.',
  'Servers may infer this from the endpoint the client submits requests to.',
  'Cannot be updated.',
  'In CamelCase.',
  'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
].join('\n');

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The Service kubebuilder's config/webhook declares; kustomize prefixes and namespaces it in config/default. */
export const webhookService = { name: 'webhook-service', namespace: 'system' } as const;

/** What {@link crdFromDefinition} adds beside the description. */
export interface CrdOptions {
  /**
   * The versions a conversion webhook converts (the hub and its spokes): the CRD gets the Webhook conversion
   * strategy on `/convert` of {@link webhookService}. They must be exactly the CRD's versions.
   */
  readonly conversionVersions?: readonly string[];
}

/**
 * The structural apiextensions.k8s.io/v1 CRD of a custom resource: for each version the schema translated by
 * {@link toJSONSchemaProps} and checked by {@link assertStructuralSchema}, printer columns, and the status and scale
 * subresources; with `conversionVersions`, the Webhook conversion stanza. Pure: the same description always gives
 * the same object.
 *
 * @throws StructuralSchemaError when the schema, the names or the versions cannot make a valid CRD, naming the field.
 */
export function crdFromDefinition(
  def: CustomResourceSource,
  options: CrdOptions = {},
): CustomResourceDefinition {
  const name = `${def.plural}.${def.group}`;
  const sources = versionsOf(def);
  checkNames(def, name);
  checkVersions(sources, name);
  const versions = sources.map((source) => crdVersion(source, `${name}/${source.name}`));

  const names: CustomResourceDefinition['spec']['names'] = {
    kind: def.kind,
    listKind: `${def.kind}List`,
    plural: def.plural,
    singular: def.singular ?? def.kind.toLowerCase(),
  };
  if (def.shortNames && def.shortNames.length > 0) names.shortNames = [...def.shortNames];
  if (def.categories && def.categories.length > 0) names.categories = [...def.categories];

  const spec: CustomResourceDefinition['spec'] = { group: def.group, names, scope: def.scope, versions };
  if (options.conversionVersions !== undefined) {
    spec.conversion = conversionStanza(options.conversionVersions, sources, name);
  }
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec,
  };
}

function crdVersion(source: CustomResourceVersionSource, resource: string): CustomResourceDefinitionVersion {
  const schema = withObjectMetaFields(toJSONSchemaProps(source.schema, resource), resource);
  assertStructuralSchema(schema, resource);
  const version: CustomResourceDefinitionVersion = {
    name: source.name,
    served: source.served ?? true,
    storage: source.storage,
    schema: { openAPIV3Schema: schema },
  };
  if (source.deprecated === true) version.deprecated = true;
  if (source.deprecationWarning !== undefined) {
    if (source.deprecated !== true) {
      throw new StructuralSchemaError(resource, '.', 'deprecationWarning needs deprecated: true');
    }
    version.deprecationWarning = source.deprecationWarning;
  }
  const columns = (source.printerColumns ?? []).map((column) => printerColumn(column, resource));
  if (columns.length > 0) version.additionalPrinterColumns = columns;
  const { status, scale } = source.subresources ?? {};
  if (status === true || scale) {
    version.subresources = {};
    if (status === true) version.subresources.status = {};
    if (scale) version.subresources.scale = checkedScale(scale, schema, resource);
  }
  return version;
}

/** The API server's rules for `spec.versions`, checked here so the error names the source, not a failed apply. */
function checkVersions(versions: readonly CustomResourceVersionSource[], name: string): void {
  const fail = (reason: string): never => {
    throw new StructuralSchemaError(name, '.versions', reason);
  };
  if (versions.length === 0) fail('a custom resource needs at least one version');
  const seen = new Set<string>();
  for (const version of versions) {
    if (!/^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/.test(version.name)) {
      fail(`version ${version.name} must look like v1, v1beta1 or v1alpha1`);
    }
    if (seen.has(version.name)) fail(`version ${version.name} is listed twice`);
    seen.add(version.name);
  }
  const storage = versions.filter((version) => version.storage);
  if (storage.length !== 1) {
    fail(
      `exactly one version must have storage: true, found ${storage.length}` +
        (storage.length > 1 ? ` (${storage.map((v) => v.name).join(', ')})` : ''),
    );
  }
  if (storage[0]?.served === false) fail(`the storage version ${storage[0].name} must be served`);
}

function conversionStanza(
  converted: readonly string[],
  versions: readonly CustomResourceVersionSource[],
  name: string,
): CustomResourceConversion {
  const declared = versions.map((version) => version.name);
  const missing = declared.filter((version) => !converted.includes(version));
  const unknown = converted.filter((version) => !declared.includes(version));
  if (missing.length > 0 || unknown.length > 0) {
    throw new StructuralSchemaError(
      name,
      '.conversion',
      `the conversion webhook must convert exactly the CRD's versions (${declared.join(', ')})` +
        (missing.length > 0 ? `; it does not convert ${missing.join(', ')}` : '') +
        (unknown.length > 0 ? `; the CRD has no version ${unknown.join(', ')}` : ''),
    );
  }
  return {
    strategy: 'Webhook',
    webhook: {
      clientConfig: { service: { ...webhookService, path: '/convert' } },
      conversionReviewVersions: ['v1'],
    },
  };
}

/** The file kubebuilder keeps a CRD in, relative to `config/crd/bases`: `<group>_<plural>.yaml`. */
export function crdFileName(def: Pick<CustomResourceSource, 'group' | 'plural'>): string {
  return `${def.group}_${def.plural}.yaml`;
}

function checkNames(def: CustomResourceSource, resource: string): void {
  const fail = (reason: string): never => {
    throw new StructuralSchemaError(resource, '.', reason);
  };
  if (!def.group.includes('.'))
    fail(`group ${def.group} must be a domain name with a dot, e.g. cache.example.com`);
  for (const [field, value] of [
    ['plural', def.plural],
    ['singular', def.singular ?? def.kind.toLowerCase()],
    ...(def.shortNames ?? []).map((s) => ['shortName', s] as const),
  ] as const) {
    if (!dns1123Label.test(value) || value !== value.toLowerCase())
      fail(`${field} ${value} must be a lower-case DNS label`);
  }
  if (!/^[A-Z][A-Za-z0-9]*$/.test(def.kind)) fail(`kind ${def.kind} must be CamelCase`);
}

/**
 * Adds `apiVersion`, `kind` and `metadata` as controller-gen declares them; what the schema itself says about them
 * (a description, metadata.name rules) wins.
 */
function withObjectMetaFields(schema: JSONSchemaProps, resource: string): JSONSchemaProps {
  if (schema.type !== 'object')
    throw new StructuralSchemaError(resource, '.', 'the root must have type object');
  const own = schema.properties ?? {};
  return {
    ...schema,
    properties: {
      ...own,
      apiVersion: { description: apiVersionDescription, type: 'string', ...own['apiVersion'] },
      kind: { description: kindDescription, type: 'string', ...own['kind'] },
      metadata: { type: 'object', ...own['metadata'] },
    },
  };
}

function printerColumn(column: PrinterColumnSource, resource: string): PrinterColumnSource {
  if (!column.jsonPath.startsWith('.')) {
    throw new StructuralSchemaError(
      resource,
      column.jsonPath,
      `printer column ${column.name}: jsonPath must start with '.'`,
    );
  }
  // Copied field by field so that only what the CRD accepts is written, in the CRD's own spelling.
  const out: { -readonly [K in keyof PrinterColumnSource]: PrinterColumnSource[K] } = {
    name: column.name,
    type: column.type,
    jsonPath: column.jsonPath,
  };
  if (column.description !== undefined) out.description = column.description;
  if (column.priority !== undefined && column.priority !== 0) out.priority = column.priority;
  if (column.format !== undefined) out.format = column.format;
  return out;
}

/** The scale subresource's paths must name integer (or, for the selector, string) fields of the schema. */
function checkedScale(
  scale: ScaleSubresourceSource,
  schema: JSONSchemaProps,
  resource: string,
): ScaleSubresourceSource {
  const expect = (path: string, prefixes: readonly string[], type: 'integer' | 'string'): void => {
    if (!prefixes.some((prefix) => path.startsWith(prefix))) {
      throw new StructuralSchemaError(
        resource,
        path,
        `scale subresource path must start with ${prefixes.join(' or ')}`,
      );
    }
    const field = path
      .slice(1)
      .split('.')
      .reduce<JSONSchemaProps | undefined>((node, name) => node?.properties?.[name], schema);
    if (field?.type !== type) {
      throw new StructuralSchemaError(
        resource,
        path,
        `the scale subresource needs a field of type ${type} here`,
      );
    }
  };
  expect(scale.specReplicasPath, ['.spec.'], 'integer');
  expect(scale.statusReplicasPath, ['.status.'], 'integer');
  const out: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } = {
    specReplicasPath: scale.specReplicasPath,
    statusReplicasPath: scale.statusReplicasPath,
  };
  if (scale.labelSelectorPath !== undefined) {
    expect(scale.labelSelectorPath, ['.status.', '.spec.'], 'string');
    out.labelSelectorPath = scale.labelSelectorPath;
  }
  return out;
}
