import type { JSONSchemaProps, SchemaType } from './json-schema-props.js';
import { StructuralSchemaError } from './structural-schema-error.js';

/** Keywords that only annotate a schema for other tools; Kubernetes has no field for them, so they are dropped. */
const annotationKeywords = new Set(['$id', '$schema', '$comment', 'examples', 'readOnly', 'writeOnly']);

/** Keywords whose value is copied unchanged: Kubernetes spells and means them as JSON Schema does. */
const copiedKeywords = new Set([
  'type',
  'format',
  'title',
  'description',
  'default',
  'example',
  'enum',
  'nullable',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);

/** The key TypeBox's `Type.Record(Type.String(), V)` uses; any other key pattern cannot be expressed in a CRD. */
const anyKeyPatterns = new Set(['^(.*)$', '^.*$', '.*']);

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Translates a JSON Schema (as TypeBox builds it, or written by hand) into Kubernetes' `JSONSchemaProps`.
 *
 * Only string keys are read, so TypeBox's symbol-keyed metadata (`Kind`, `Optional`) never reaches the CRD.
 * Where JSON Schema and Kubernetes differ, the meaning is kept:
 * - `const: v` becomes `enum: [v]`, and a union of literals (`anyOf` of `const`s) one `enum` of their type;
 * - a union with `{type: 'null'}` (or `type: [T, 'null']`) becomes `nullable: true`;
 * - draft-7 numeric `exclusiveMinimum: n` becomes `minimum: n, exclusiveMinimum: true`;
 * - `patternProperties` for any key (TypeBox's `Record`) becomes `additionalProperties`;
 * - `additionalProperties: false` is dropped (structural schemas forbid it; unknown fields are pruned instead) and
 *   `additionalProperties: true` becomes `x-kubernetes-preserve-unknown-fields: true`.
 * Anything else Kubernetes cannot express (`$ref`, tuples, `uniqueItems: true`...) is an error naming the field,
 * rather than a validation silently lost.
 *
 * @param resource - names the resource in errors
 * @param path - the field path of `schema` in the object, `.` for the root
 */
export function toJSONSchemaProps(schema: unknown, resource: string, path = '.'): JSONSchemaProps {
  const fail = (reason: string): never => {
    throw new StructuralSchemaError(resource, path, reason);
  };
  if (!isObject(schema)) return fail(`expected a schema object, got ${describe(schema)}`);

  const literalUnion = literalUnionOf(schema);
  if (literalUnion)
    return toJSONSchemaProps({ ...withoutKey(schema, 'anyOf'), ...literalUnion }, resource, path);
  const nullable = nullableUnionOf(schema);
  if (nullable) {
    const inner = toJSONSchemaProps(nullable.member, resource, path);
    return { ...inner, ...toJSONSchemaProps(nullable.outer, resource, path), nullable: true };
  }

  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (value === undefined || annotationKeywords.has(key)) continue;
    if (key === 'type') {
      Object.assign(out, typeOf(value, fail));
    } else if (copiedKeywords.has(key)) {
      out[key] = structuredClone(value);
    } else if (key === 'const') {
      out['enum'] = [structuredClone(value)];
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      Object.assign(out, exclusiveBound(key, value, fail));
    } else if (key === 'required') {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        fail('required must list field names');
      // Sorted as controller-gen sorts it: the order means nothing, and a stable one keeps diffs small.
      if ((value as string[]).length > 0) out[key] = [...(value as string[])].sort();
    } else if (key === 'properties') {
      if (!isObject(value)) return fail('properties must be an object');
      const properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          toJSONSchemaProps(child, resource, join(path, name)),
        ]),
      );
      // `Type.Object({})` says no more than `type: object`; controller-gen omits the empty map too.
      if (Object.keys(properties).length > 0) out[key] = properties;
    } else if (key === 'additionalProperties') {
      if (value === true) out['x-kubernetes-preserve-unknown-fields'] = true;
      else if (value !== false) out[key] = toJSONSchemaProps(value, resource, `${path}[*]`);
    } else if (key === 'patternProperties') {
      out['additionalProperties'] = recordValueSchema(value, resource, path, fail);
    } else if (key === 'items') {
      if (Array.isArray(value)) return fail('tuple items (an array of schemas) cannot be expressed in a CRD');
      out[key] = toJSONSchemaProps(value, resource, `${path}[*]`);
    } else if (key === 'uniqueItems') {
      if (value === true) fail("uniqueItems is not allowed in a CRD; use 'x-kubernetes-list-type': 'set'");
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      if (!Array.isArray(value)) return fail(`${key} must be an array of schemas`);
      out[key] = value.map((member, i) => toJSONSchemaProps(member, resource, `${path} (${key}[${i}])`));
    } else if (key === 'not') {
      out[key] = toJSONSchemaProps(value, resource, `${path} (not)`);
    } else {
      fail(`keyword ${JSON.stringify(key)} has no equivalent in a CRD schema`);
    }
  }
  return out;
}

const schemaTypes = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean']);

function typeOf(value: unknown, fail: (reason: string) => never): Pick<JSONSchemaProps, 'type' | 'nullable'> {
  const types = Array.isArray(value) ? (value as unknown[]) : [value];
  const nonNull = types.filter((t) => t !== 'null');
  if (nonNull.length !== 1 || typeof nonNull[0] !== 'string' || !schemaTypes.has(nonNull[0])) {
    return fail(
      `type ${JSON.stringify(value)} is not one of ${[...schemaTypes].join(', ')} (optionally with null)`,
    );
  }
  const type = nonNull[0] as SchemaType;
  return nonNull.length < types.length ? { type, nullable: true } : { type };
}

function exclusiveBound(
  key: 'exclusiveMinimum' | 'exclusiveMaximum',
  value: unknown,
  fail: (reason: string) => never,
): Partial<JSONSchemaProps> {
  if (typeof value === 'boolean') return { [key]: value };
  if (typeof value !== 'number') return fail(`${key} must be a number`);
  return key === 'exclusiveMinimum'
    ? { minimum: value, exclusiveMinimum: true }
    : { maximum: value, exclusiveMaximum: true };
}

function recordValueSchema(
  value: unknown,
  resource: string,
  path: string,
  fail: (reason: string) => never,
): JSONSchemaProps {
  if (!isObject(value)) return fail('patternProperties must be an object');
  const entries = Object.entries(value);
  const [entry] = entries;
  if (entries.length !== 1 || !entry || !anyKeyPatterns.has(entry[0])) {
    return fail(
      `patternProperties can only be a map with any key (${[...anyKeyPatterns].join(' or ')}); ` +
        'restrict keys with x-kubernetes-validations instead',
    );
  }
  return toJSONSchemaProps(entry[1], resource, `${path}[*]`);
}

/** `anyOf: [{const: 'A', type: 'string'}, ...]` (TypeBox's `Union` of `Literal`s) as `{type, enum}`. */
function literalUnionOf(schema: JsonObject): { type: string; enum: unknown[] } | undefined {
  const members = schema['anyOf'];
  if (!Array.isArray(members) || members.length === 0) return undefined;
  const literals = members.filter(
    (m): m is JsonObject =>
      isObject(m) && 'const' in m && Object.keys(m).every((k) => k === 'const' || k === 'type'),
  );
  if (literals.length !== members.length) return undefined;
  const types = new Set(literals.map((m) => m['type'] ?? jsonTypeOf(m['const'])));
  const [type] = types;
  if (types.size !== 1 || typeof type !== 'string') return undefined;
  return { type, enum: literals.map((m) => structuredClone(m['const'])) };
}

/** `anyOf: [X, {type: 'null'}]` (TypeBox's `Union([X, Null()])`): X, nullable, with the union's own keywords. */
function nullableUnionOf(schema: JsonObject): { member: unknown; outer: JsonObject } | undefined {
  const members = schema['anyOf'];
  if (!Array.isArray(members) || members.length !== 2) return undefined;
  const isNull = (m: unknown): boolean => isObject(m) && m['type'] === 'null' && Object.keys(m).length === 1;
  const nonNull = members.filter((m) => !isNull(m));
  if (nonNull.length !== 1) return undefined;
  return { member: nonNull[0], outer: withoutKey(schema, 'anyOf') };
}

function jsonTypeOf(value: unknown): string | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return undefined;
}

function withoutKey(schema: JsonObject, key: string): JsonObject {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== key));
}

function join(path: string, field: string): string {
  return path === '.' ? `.${field}` : `${path}.${field}`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}
