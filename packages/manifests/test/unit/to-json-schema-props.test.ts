import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { StructuralSchemaError, toJSONSchemaProps } from '../../src/index.js';

const resource = 'widgets.example.com/v1';

function convert(schema: unknown) {
  return toJSONSchemaProps(schema, resource);
}

function failureOf(schema: unknown): StructuralSchemaError {
  try {
    convert(schema);
  } catch (error) {
    if (error instanceof StructuralSchemaError) return error;
    throw error;
  }
  assert.fail('expected a StructuralSchemaError');
}

describe('toJSONSchemaProps', () => {
  it('keeps the keywords Kubernetes shares with JSON Schema and drops TypeBox symbols and $id', () => {
    const schema = Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z]+$', description: 'a name' }),
        count: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, default: 3 })),
        when: Type.String({ format: 'date-time' }),
      },
      { $id: 'Widget', 'x-kubernetes-validations': [{ rule: 'self.name != "x"', message: 'not x' }] },
    );
    assert.deepEqual(convert(schema), {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z]+$', description: 'a name' },
        count: { type: 'integer', minimum: 0, maximum: 10, default: 3 },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['name', 'when'],
      'x-kubernetes-validations': [{ rule: 'self.name != "x"', message: 'not x' }],
    });
    assert.equal(JSON.stringify(convert(schema)).includes('$id'), false);
    assert.deepEqual(Object.getOwnPropertySymbols(convert(schema)), []);
  });

  it('sorts required, as controller-gen does', () => {
    const schema = Type.Object({ zeta: Type.String(), alpha: Type.String(), mid: Type.String() });
    assert.deepEqual(convert(schema).required, ['alpha', 'mid', 'zeta']);
  });

  it('turns a union of literals into one enum of their type, keeping the union options', () => {
    const schema = Type.Union([Type.Literal('Sharded'), Type.Literal('Replicated')], {
      default: 'Sharded',
      description: 'how keys spread',
    });
    assert.deepEqual(convert(schema), {
      type: 'string',
      enum: ['Sharded', 'Replicated'],
      default: 'Sharded',
      description: 'how keys spread',
    });
  });

  it('turns a single literal into a one-value enum', () => {
    assert.deepEqual(convert(Type.Literal(3)), { type: 'number', enum: [3] });
  });

  it('turns a union with null into nullable', () => {
    const schema = Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'optional text' });
    assert.deepEqual(convert(schema), {
      type: 'string',
      minLength: 1,
      description: 'optional text',
      nullable: true,
    });
    assert.deepEqual(convert({ type: ['integer', 'null'] }), { type: 'integer', nullable: true });
  });

  it('turns draft-7 numeric exclusive bounds into a bound with a boolean flag', () => {
    assert.deepEqual(convert(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })), {
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      exclusiveMaximum: true,
    });
  });

  it('turns a Record into additionalProperties', () => {
    assert.deepEqual(convert(Type.Record(Type.String(), Type.Integer())), {
      type: 'object',
      additionalProperties: { type: 'integer' },
    });
  });

  it('drops additionalProperties: false and maps additionalProperties: true to preserve-unknown-fields', () => {
    assert.deepEqual(convert(Type.Object({ a: Type.String() }, { additionalProperties: false })), {
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
    });
    assert.deepEqual(convert({ type: 'object', additionalProperties: true }), {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('omits the properties of an empty object, as controller-gen writes metadata', () => {
    assert.deepEqual(convert(Type.Object({})), { type: 'object' });
  });

  it('converts array items and names their path in errors', () => {
    assert.deepEqual(convert(Type.Array(Type.String(), { maxItems: 3 })), {
      type: 'array',
      items: { type: 'string' },
      maxItems: 3,
    });
    const error = failureOf({
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'object', properties: { at: { $ref: 'Other' } } } },
      },
    });
    assert.equal(error.path, '.list[*].at');
    assert.match(error.message, /widgets\.example\.com\/v1 schema at \.list\[\*\]\.at: keyword "\$ref"/);
  });

  it('rejects what a CRD cannot express, naming the field', () => {
    const cases: [unknown, string, RegExp][] = [
      [Type.Object({ pair: Type.Tuple([Type.String(), Type.Integer()]) }), '.pair', /tuple items/],
      [
        Type.Object({ tags: Type.Array(Type.String(), { uniqueItems: true }) }),
        '.tags',
        /x-kubernetes-list-type/,
      ],
      [Type.Object({ nothing: Type.Null() }), '.nothing', /type "null"/],
      [
        Type.Object({ labels: Type.Record(Type.String({ pattern: '^a' }), Type.String()) }),
        '.labels',
        /any key/,
      ],
      [
        { type: 'object', properties: { x: { type: 'string', contentEncoding: 'base64' } } },
        '.x',
        /contentEncoding/,
      ],
    ];
    for (const [schema, path, reason] of cases) {
      const error = failureOf(schema);
      assert.equal(error.path, path, error.message);
      assert.match(error.reason, reason);
    }
  });
});
