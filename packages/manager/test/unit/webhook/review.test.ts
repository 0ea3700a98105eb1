import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { convert } from '../../../src/webhook/conversion.js';
import { webhookFor } from '../../../src/webhook/webhook-declaration.js';
import {
  BadReviewError,
  decodeAdmissionReview,
  decodeConversionReview,
} from '../../../src/webhook/review.js';

const body = (value: unknown): Buffer =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

const admission = {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u-1',
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    operation: 'UPDATE',
    namespace: 'ns',
    name: 'cm',
    dryRun: true,
    subResource: '',
    userInfo: { username: 'alice', groups: ['system:authenticated'] },
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
    oldObject: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } },
  },
};

describe('decodeAdmissionReview', () => {
  it('decodes the request, the objects and who asked', () => {
    const request = decodeAdmissionReview(body(admission));
    assert.deepEqual(request.info, {
      uid: 'u-1',
      operation: 'UPDATE',
      namespace: 'ns',
      name: 'cm',
      dryRun: true,
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      subResource: '',
    });
    assert.deepEqual(request.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.deepEqual(request.oldObject, admission.request.oldObject);
    assert.deepEqual(request.object, admission.request.object);
  });

  it('takes a null object (DELETE) as absent', () => {
    const request = decodeAdmissionReview(
      body({ ...admission, request: { ...admission.request, operation: 'DELETE', object: null } }),
    );
    assert.equal(request.object, undefined);
  });

  for (const [what, value, message] of [
    ['not JSON', '{"apiVersion":', /not JSON/],
    ['a JSON array', [], /not a AdmissionReview object/],
    [
      'another kind',
      { ...admission, kind: 'ConversionReview' },
      /expected a AdmissionReview of admission.k8s.io\/v1/,
    ],
    ['v1beta1', { ...admission, apiVersion: 'admission.k8s.io/v1beta1' }, /expected a AdmissionReview/],
    ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /has no request/],
    ['no uid', { ...admission, request: { ...admission.request, uid: '' } }, /has no uid/],
    [
      'a bad operation',
      { ...admission, request: { ...admission.request, operation: 'PATCH' } },
      /operation "PATCH"/,
    ],
    [
      'a bad object',
      { ...admission, request: { ...admission.request, object: 'x' } },
      /request.object is not an object/,
    ],
    ['no kind', { ...admission, request: { ...admission.request, kind: undefined } }, /request.kind/],
  ] as const) {
    it(`refuses ${what} with a BadReviewError`, () => {
      assert.throws(
        () => decodeAdmissionReview(body(value)),
        (err: unknown) => {
          assert.ok(err instanceof BadReviewError);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('decodeConversionReview', () => {
  const review = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    request: { uid: 'c-1', desiredAPIVersion: 'g/v2', objects: [{ apiVersion: 'g/v1', kind: 'K' }] },
  };

  it('decodes the desired version and the objects', () => {
    assert.deepEqual(decodeConversionReview(body(review)), {
      uid: 'c-1',
      desiredAPIVersion: 'g/v2',
      objects: [{ apiVersion: 'g/v1', kind: 'K' }],
    });
  });

  it('refuses a review without a desired version or with an object without apiVersion', () => {
    assert.throws(
      () =>
        decodeConversionReview(body({ ...review, request: { ...review.request, desiredAPIVersion: '' } })),
      /desiredAPIVersion is missing/,
    );
    assert.throws(
      () =>
        decodeConversionReview(body({ ...review, request: { ...review.request, objects: [{ kind: 'K' }] } })),
      /objects\[0\] is not an object with apiVersion and kind/,
    );
  });
});

describe('convert', () => {
  const Hub = defineKind<KubernetesObject & { spec?: { replicas?: number } }>({
    group: 'g.example.com',
    version: 'v2',
    kind: 'K',
    plural: 'ks',
    namespaced: true,
  });
  const V1 = defineKind<KubernetesObject & { spec?: { size?: number } }>({ ...Hub, version: 'v1' });
  const declaration = webhookFor(Hub, {
    spokes: [
      {
        kind: V1,
        convertTo: (o) => {
          const { spec, ...rest } = o as KubernetesObject & { spec?: { size?: number } };
          return { ...rest, spec: { replicas: spec?.size ?? 0 } };
        },
        convertFrom: (o) => ({ ...o, spec: { size: o.spec?.replicas ?? 0 } }) as KubernetesObject,
      },
    ],
  });
  const registry = new Map([['g.example.com/K', declaration]]);

  it('converts through the hub both ways, setting the desired apiVersion', () => {
    const up = convert(registry, {
      uid: 'u',
      desiredAPIVersion: 'g.example.com/v2',
      objects: [{ apiVersion: 'g.example.com/v1', kind: 'K', spec: { size: 2 } } as KubernetesObject],
    });
    assert.deepEqual(up, {
      uid: 'u',
      convertedObjects: [{ apiVersion: 'g.example.com/v2', kind: 'K', spec: { replicas: 2 } }],
      result: { status: 'Success' },
    });
    const down = convert(registry, {
      uid: 'u',
      desiredAPIVersion: 'g.example.com/v1',
      objects: up.convertedObjects,
    });
    assert.deepEqual(down.convertedObjects, [
      { apiVersion: 'g.example.com/v1', kind: 'K', spec: { size: 2 } },
    ]);
  });

  it('answers Failure, not a crash, for an unknown version or kind', () => {
    const unknownVersion = convert(registry, {
      uid: 'u',
      desiredAPIVersion: 'g.example.com/v3',
      objects: [{ apiVersion: 'g.example.com/v1', kind: 'K' }],
    });
    assert.equal(unknownVersion.result.status, 'Failure');
    assert.match(unknownVersion.result.message ?? '', /version v3 is unknown: the hub is v2, the spokes v1/);
    const unknownKind = convert(registry, {
      uid: 'u',
      desiredAPIVersion: 'g.example.com/v2',
      objects: [{ apiVersion: 'g.example.com/v1', kind: 'Other' }],
    });
    assert.match(unknownKind.result.message ?? '', /no conversion is registered for Other/);
  });
});
