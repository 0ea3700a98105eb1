import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ConfigMap } from '../../../src/kinds/builtin-kinds.js';
import { defineKind } from '../../../src/kinds/resource-kind.js';
import { webhookFor, webhookPath } from '../../../src/webhook/index.js';

const Hub = defineKind<KubernetesObject>({
  group: 'cache.spoke.dev',
  version: 'v1beta1',
  kind: 'Memcached',
  plural: 'memcacheds',
  namespaced: true,
});
const Spoke = defineKind<KubernetesObject>({ ...Hub, version: 'v1alpha1' });

describe('webhookFor', () => {
  it('names paths and webhooks as kubebuilder does, and serialises as plain data without the handlers', () => {
    const declaration = webhookFor(Hub, {
      defaulter: { default: () => undefined },
      validator: {
        validateCreate: () => undefined,
        validateUpdate: () => undefined,
        validateDelete: () => undefined,
      },
      spokes: [{ kind: Spoke, convertTo: (o) => o, convertFrom: (o) => o }],
    });
    assert.equal(declaration.mutating?.path, '/mutate-cache-spoke-dev-v1beta1-memcached');
    assert.equal(declaration.mutating.name, 'mmemcached-v1beta1.cache.spoke.dev');
    assert.equal(declaration.validating?.path, '/validate-cache-spoke-dev-v1beta1-memcached');
    assert.deepEqual(declaration.validating.operations, ['CREATE', 'UPDATE']);
    assert.equal(declaration.validating.failurePolicy, 'Fail');
    assert.deepEqual(declaration.conversion, { path: '/convert', versions: ['v1beta1', 'v1alpha1'] });
    assert.ok(declaration.handlers.defaulter);
    const plain = JSON.parse(JSON.stringify(declaration)) as Record<string, unknown>;
    assert.equal('handlers' in plain, false);
    assert.equal(webhookPath('validate', ConfigMap), '/validate-core-v1-configmap');
  });

  it('names the webhooks of built-in groups with three labels, as the API server requires', () => {
    const declaration = webhookFor(ConfigMap, { defaulter: { default: () => undefined } });
    assert.equal(declaration.mutating?.name, 'mconfigmap-v1.core.k8s.io');
    assert.equal(declaration.mutating.path, '/mutate-core-v1-configmap');
  });

  it('refuses a declaration with nothing to serve', () => {
    assert.throws(() => webhookFor(Hub, {}), /give a defaulter, a validator or spokes/);
  });

  it('adds DELETE to the validating webhook only when asked', () => {
    const validator = {
      validateCreate: () => undefined,
      validateUpdate: () => undefined,
      validateDelete: () => undefined,
    };
    assert.deepEqual(webhookFor(ConfigMap, { validator, validateDeletes: true }).validating?.operations, [
      'CREATE',
      'UPDATE',
      'DELETE',
    ]);
    assert.equal(webhookFor(ConfigMap, { validator }).mutating, undefined);
  });
});
