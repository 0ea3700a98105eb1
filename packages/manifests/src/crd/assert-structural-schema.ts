import type { JSONSchemaProps } from './json-schema-props.js';
import { StructuralSchemaError } from './structural-schema-error.js';

/** Keywords a node inside `allOf`/`anyOf`/`oneOf`/`not` may not set: they must be decided outside the junctor. */
const forbiddenInJunctors = ['type', 'description', 'default', 'additionalProperties', 'nullable'] as const;
const junctors = ['allOf', 'anyOf', 'oneOf'] as const;
const validationReasons = new Set([
  'FieldValueInvalid',
  'FieldValueForbidden',
  'FieldValueRequired',
  'FieldValueDuplicate',
]);

/**
 * Checks the rules that make a CRD schema structural (Kubernetes' "Specifying a structural schema"), plus the
 * consistency checks the API server would only report on apply, and throws a {@link StructuralSchemaError} naming
 * the field on the first violation:
 * 1. every node outside a junctor has a `type` (unless `x-kubernetes-int-or-string` or
 *    `x-kubernetes-preserve-unknown-fields`), arrays have `items`;
 * 2. a field or item named inside `allOf`/`anyOf`/`oneOf`/`not` is also specified outside it;
 * 3. junctor members set no `type`, `description`, `default`, `additionalProperties` or `nullable`;
 * 4. `metadata` restricts at most `name` and `generateName`;
 * and: `properties` excludes `additionalProperties`, list-map keys are required or defaulted scalars, enum and
 * default values have the node's type, bounds are ordered, CEL rules are well formed.
 */
export function assertStructuralSchema(root: JSONSchemaProps, resource: string): void {
  const fail = (path: string, reason: string): never => {
    throw new StructuralSchemaError(resource, path, reason);
  };
  if (root.type !== 'object') fail('.', `the root must have type object, not ${String(root.type)}`);
  const metadata = root.properties?.['metadata'];
  if (metadata) {
    if (metadata.type !== 'object') fail('.metadata', 'metadata must have type object');
    const extra = Object.keys(metadata.properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
    if (extra.length > 0 || metadata.additionalProperties) {
      fail(
        '.metadata',
        `only metadata.name and metadata.generateName may be restricted, not ${extra.join(', ')}`,
      );
    }
  }
  checkNode(root, '.', fail);
}

type Fail = (path: string, reason: string) => never;

function checkNode(node: JSONSchemaProps, path: string, fail: Fail): void {
  const opaque =
    node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!node.type && !opaque) {
    fail(
      path,
      "every field needs a type (or 'x-kubernetes-int-or-string' / 'x-kubernetes-preserve-unknown-fields')",
    );
  }
  checkShape(node, path, fail);
  for (const [name, child] of Object.entries(node.properties ?? {})) checkNode(child, join(path, name), fail);
  if (node.additionalProperties) checkNode(node.additionalProperties, `${path}[*]`, fail);
  if (node.items) checkNode(node.items, `${path}[*]`, fail);
  for (const junctor of junctors) {
    (node[junctor] ?? []).forEach((member, i) => {
      if (junctor === 'anyOf' && isIntOrStringBranch(node, member)) return;
      checkJunctorMember(member, node, `${path} (${junctor}[${i}])`, fail);
    });
  }
  if (node.not) checkJunctorMember(node.not, node, `${path} (not)`, fail);
}

/** The one exception to rule 3: `x-kubernetes-int-or-string` may spell itself `anyOf: [{type: integer}, {type: string}]`. */
function isIntOrStringBranch(node: JSONSchemaProps, member: JSONSchemaProps): boolean {
  const keys = Object.keys(member);
  return (
    node['x-kubernetes-int-or-string'] === true &&
    keys.length === 1 &&
    keys[0] === 'type' &&
    (member.type === 'integer' || member.type === 'string')
  );
}

/** Checks that hold for every node, inside junctors or not. */
function checkShape(node: JSONSchemaProps, path: string, fail: Fail): void {
  if (node.properties && node.additionalProperties) {
    fail(path, 'properties and additionalProperties are mutually exclusive');
  }
  if (node.type && node.type !== 'object' && (node.properties || node.additionalProperties)) {
    fail(path, `a ${node.type} cannot have properties`);
  }
  if (node.type === 'array' && !node.items) fail(path, 'an array needs items');
  if (node.type && node.type !== 'array' && node.items) fail(path, `a ${node.type} cannot have items`);
  for (const name of node.required ?? []) {
    if (node.type === 'object' && !node.properties?.[name] && !node.additionalProperties) {
      fail(path, `required field ${name} is not among the properties`);
    }
  }
  checkBounds(node, path, fail);
  node.enum?.forEach((value, i) => {
    if (!hasType(value, node))
      fail(path, `enum[${i}] ${JSON.stringify(value)} is not a ${String(node.type)}`);
  });
  if (node.default !== undefined && !hasType(node.default, node)) {
    fail(path, `default ${JSON.stringify(node.default)} is not a ${String(node.type)}`);
  }
  checkListType(node, path, fail);
  node['x-kubernetes-validations']?.forEach((rule, i) => {
    const at = `x-kubernetes-validations[${i}]`;
    if (typeof rule.rule !== 'string' || rule.rule.trim() === '') fail(path, `${at} needs a CEL rule`);
    if (rule.reason !== undefined && !validationReasons.has(rule.reason)) {
      fail(path, `${at}.reason must be one of ${[...validationReasons].join(', ')}`);
    }
    if (rule.fieldPath !== undefined && !rule.fieldPath.startsWith('.')) {
      fail(path, `${at}.fieldPath must start with '.', relative to the field the rule is on`);
    }
  });
}

function checkBounds(node: JSONSchemaProps, path: string, fail: Fail): void {
  const pairs = [
    ['minimum', 'maximum'],
    ['minLength', 'maxLength'],
    ['minItems', 'maxItems'],
    ['minProperties', 'maxProperties'],
  ] as const;
  for (const [low, high] of pairs) {
    const min = node[low];
    const max = node[high];
    if (min !== undefined && max !== undefined && min > max)
      fail(path, `${low} ${min} exceeds ${high} ${max}`);
  }
}

function checkListType(node: JSONSchemaProps, path: string, fail: Fail): void {
  const listType = node['x-kubernetes-list-type'];
  const keys = node['x-kubernetes-list-map-keys'];
  if (keys && listType !== 'map')
    fail(path, "x-kubernetes-list-map-keys needs 'x-kubernetes-list-type': map");
  if (listType === undefined) return;
  if (node.type !== 'array') fail(path, 'x-kubernetes-list-type is only for arrays');
  if (listType !== 'map') return;
  const item = node.items;
  if (item?.type !== 'object') return fail(path, 'a list of type map needs items of type object');
  if (!keys || keys.length === 0) return fail(path, 'a list of type map needs x-kubernetes-list-map-keys');
  for (const key of keys) {
    const field = item.properties?.[key];
    if (!field) fail(path, `list-map key ${key} is not a property of the items`);
    else if (field.type === 'object' || field.type === 'array')
      fail(path, `list-map key ${key} must be a scalar`);
    else if (!item.required?.includes(key) && field.default === undefined) {
      fail(path, `list-map key ${key} must be required or have a default`);
    }
  }
}

/** Structural rules 2 and 3: a junctor member may only constrain values of fields already declared outside it. */
function checkJunctorMember(member: JSONSchemaProps, outer: JSONSchemaProps, path: string, fail: Fail): void {
  for (const key of forbiddenInJunctors) {
    if (member[key] !== undefined) fail(path, `${key} may not be set inside allOf/anyOf/oneOf/not`);
  }
  checkShape(member, path, fail);
  for (const [name, child] of Object.entries(member.properties ?? {})) {
    const declared = outer.properties?.[name] ?? outer.additionalProperties;
    if (!declared)
      fail(path, `field ${name} is only specified inside a junctor; declare it in properties too`);
    else checkJunctorMember(child, declared, `${path}.${name}`, fail);
  }
  if (member.items) {
    if (!outer.items) fail(path, 'items are only specified inside a junctor; declare them outside too');
    else checkJunctorMember(member.items, outer.items, `${path}[*]`, fail);
  }
  for (const junctor of junctors) {
    (member[junctor] ?? []).forEach((nested, i) => {
      checkJunctorMember(nested, outer, `${path} (${junctor}[${i}])`, fail);
    });
  }
  if (member.not) checkJunctorMember(member.not, outer, `${path} (not)`, fail);
}

/** Whether a literal (enum member, default) fits the node; `null` only where nullable. */
function hasType(value: unknown, node: JSONSchemaProps): boolean {
  if (value === null) return node.nullable === true;
  if (node['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  switch (node.type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    case undefined:
      return true;
  }
}

function join(path: string, field: string): string {
  return path === '.' ? `.${field}` : `${path}.${field}`;
}
