import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
