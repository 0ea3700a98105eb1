import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  readConfigurations,
  rewriteConfiguration,
  rewriteCrdConversion,
  type WebhookServing,
} from '../../src/internal/webhook-installer.js';

const serving: WebhookServing = { host: '127.0.0.1', port: 9443, certDir: '/certs', caBundle: 'CA PEM' };
const caBundle = Buffer.from('CA PEM').toString('base64');

// As kubebuilder's config/webhook/manifests.yaml (controller-gen's output), with a Service in another file.
const manifests = `---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: mutating-webhook-configuration
webhooks:
- admissionReviewVersions: [v1]
  clientConfig:
    service:
      name: webhook-service
      namespace: system
      path: /mutate-cache-spoke-dev-v1beta1-memcached
  failurePolicy: Fail
  name: mmemcached-v1beta1.cache.spoke.dev
  sideEffects: None
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: validating-webhook-configuration
webhooks:
- admissionReviewVersions: [v1]
  clientConfig:
    url: https://example.com:8443/validate-cache-spoke-dev-v1beta1-memcached
  name: vmemcached-v1beta1.cache.spoke.dev
  sideEffects: None
`;

describe('webhook installer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-installer-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the configurations of a folder and points every webhook at the local server, keeping its path', () => {
    writeFileSync(join(dir, 'manifests.yaml'), manifests);
    writeFileSync(
      join(dir, 'service.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: webhook-service}\n',
    );
    writeFileSync(join(dir, 'kustomization.txt'), 'not a manifest');
    const configurations = readConfigurations(dir).map((c) => rewriteConfiguration(c, serving));
    assert.deepEqual(
      configurations.map((c) => [c['kind'], (c['webhooks'] as { clientConfig: unknown }[])[0]?.clientConfig]),
      [
        [
          'MutatingWebhookConfiguration',
          { url: 'https://127.0.0.1:9443/mutate-cache-spoke-dev-v1beta1-memcached', caBundle },
        ],
        [
          'ValidatingWebhookConfiguration',
          { url: 'https://127.0.0.1:9443/validate-cache-spoke-dev-v1beta1-memcached', caBundle },
        ],
      ],
    );
  });

  it('rewrites the conversion webhook of a CRD with strategy Webhook, and no other', () => {
    const crd = {
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'cache.spoke.dev',
        conversion: {
          strategy: 'Webhook',
          webhook: {
            conversionReviewVersions: ['v1'],
            clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/convert' } },
          },
        },
      },
    };
    assert.deepEqual(rewriteCrdConversion(crd, { ...serving, host: '::1' }).spec.conversion, {
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1'],
        clientConfig: { url: 'https://[::1]:9443/convert', caBundle },
      },
    });
    const none = { kind: 'CustomResourceDefinition', spec: { conversion: { strategy: 'None' } } };
    assert.equal(rewriteCrdConversion(none, serving), none);
  });
});
