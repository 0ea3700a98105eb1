import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertStructuralSchema, StructuralSchemaError, type JSONSchemaProps } from '../../src/index.js';

const resource = 'widgets.example.com/v1';

/** A root schema with `spec` set to the given node. */
function withSpec(spec: JSONSchemaProps): JSONSchemaProps {
  return { type: 'object', properties: { metadata: { type: 'object' }, spec } };
}

function violationOf(root: JSONSchemaProps): StructuralSchemaError {
  try {
    assertStructuralSchema(root, resource);
  } catch (error) {
    if (error instanceof StructuralSchemaError) return error;
    throw error;
  }
  assert.fail('expected the schema to be rejected');
}

describe('assertStructuralSchema', () => {
  it('accepts a structural schema with CEL rules, list maps, int-or-string and preserved fields', () => {
    assertStructuralSchema(
      withSpec({
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          items: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          },
          mode: { type: 'string', enum: ['A', 'B'], default: 'A' },
        },
        'x-kubernetes-validations': [
          { rule: 'self.mode == "A" || has(self.raw)', reason: 'FieldValueInvalid' },
        ],
      }),
      resource,
    );
  });

  it('requires a type on every field, naming the first without one', () => {
    const error = violationOf(withSpec({ type: 'object', properties: { size: { minimum: 1 } } }));
    assert.equal(error.path, '.spec.size');
    assert.match(
      error.message,
      /^widgets\.example\.com\/v1 schema at \.spec\.size: every field needs a type/,
    );
  });

  it('rejects properties together with additionalProperties', () => {
    const error = violationOf(
      withSpec({
        type: 'object',
        properties: { a: { type: 'string' } },
        additionalProperties: { type: 'string' },
      }),
    );
    assert.equal(error.path, '.spec');
    assert.match(error.reason, /mutually exclusive/);
  });

  it('requires items on arrays', () => {
    assert.equal(
      violationOf(withSpec({ type: 'object', properties: { l: { type: 'array' } } })).path,
      '.spec.l',
    );
  });

  it('rejects type, description or default inside a junctor', () => {
    const error = violationOf(withSpec({ type: 'object', anyOf: [{ type: 'object', required: ['a'] }] }));
    assert.equal(error.path, '.spec (anyOf[0])');
    assert.match(error.reason, /type may not be set inside/);
  });

  it('rejects a field that is only specified inside a junctor', () => {
    const error = violationOf(
      withSpec({
        type: 'object',
        properties: { a: { type: 'string' } },
        oneOf: [{ properties: { b: { minLength: 1 } } }],
      }),
    );
    assert.match(error.reason, /field b is only specified inside a junctor/);
  });

  it('requires list-map keys to be required or defaulted', () => {
    const error = violationOf(
      withSpec({
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', properties: { name: { type: 'string' } } },
      }),
    );
    assert.match(error.reason, /list-map key name must be required or have a default/);
  });

  it('rejects enum values and defaults of another type', () => {
    assert.match(
      violationOf(withSpec({ type: 'integer', enum: [1, 'two'] })).reason,
      /enum\[1\] "two" is not a integer/,
    );
    assert.match(violationOf(withSpec({ type: 'string', default: 3 })).reason, /default 3 is not a string/);
  });

  it('rejects a minimum above the maximum', () => {
    assert.match(
      violationOf(withSpec({ type: 'integer', minimum: 5, maximum: 1 })).reason,
      /minimum 5 exceeds maximum 1/,
    );
  });

  it('rejects restrictions on metadata other than name and generateName', () => {
    const error = violationOf({
      type: 'object',
      properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
    });
    assert.equal(error.path, '.metadata');
  });

  it('rejects a CEL rule with an unknown reason or an empty rule', () => {
    assert.match(
      violationOf(withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: ' ' }] })).reason,
      /needs a CEL rule/,
    );
    const badReason = withSpec({
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'true', reason: 'Nope' as 'FieldValueInvalid' }],
    });
    assert.match(violationOf(badReason).reason, /reason must be one of/);
  });

  it('requires the root to be an object', () => {
    assert.equal(violationOf({ type: 'string' }).path, '.');
  });
});
