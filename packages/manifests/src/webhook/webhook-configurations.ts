import { webhookService } from '../crd/crd-from-definition.js';
import type { AdmissionWebhookSource, WebhookKindSource, WebhookSource } from './webhook-source.js';

/** One `webhooks[]` entry of an admissionregistration.k8s.io/v1 configuration. */
export interface AdmissionWebhook {
  admissionReviewVersions: string[];
  clientConfig: { service: { name: string; namespace: string; path: string } };
  failurePolicy: 'Fail' | 'Ignore';
  name: string;
  rules: {
    apiGroups: string[];
    apiVersions: string[];
    operations: string[];
    resources: string[];
  }[];
  sideEffects: 'None' | 'NoneOnDryRun';
  timeoutSeconds: number;
}

/** A MutatingWebhookConfiguration or ValidatingWebhookConfiguration, as plain data ready to be written as YAML. */
export interface WebhookConfiguration {
  apiVersion: 'admissionregistration.k8s.io/v1';
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  metadata: { name: string };
  webhooks: AdmissionWebhook[];
}

/**
 * controller-gen's config/webhook/manifests.yaml: `mutating-webhook-configuration` and
 * `validating-webhook-configuration`, each entry calling `webhook-service` in `system` (kustomize renames both in
 * config/default), sorted by name. A configuration with no entry is left out; no admission webhook at all gives
 * an empty list.
 *
 * @throws Error when two webhooks have the same name or path.
 */
export function webhookConfigurations(webhooks: readonly WebhookSource[]): WebhookConfiguration[] {
  const entries = (which: 'mutating' | 'validating'): AdmissionWebhook[] =>
    webhooks
      .flatMap((webhook) => {
        const entry = webhook[which];
        return entry === undefined ? [] : [admissionWebhook(entry, webhook.kind)];
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const mutating = entries('mutating');
  const validating = entries('validating');
  assertUnique([...mutating, ...validating]);
  const configurations: WebhookConfiguration[] = [];
  if (mutating.length > 0) {
    configurations.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'mutating-webhook-configuration' },
      webhooks: mutating,
    });
  }
  if (validating.length > 0) {
    configurations.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'validating-webhook-configuration' },
      webhooks: validating,
    });
  }
  return configurations;
}

function admissionWebhook(entry: AdmissionWebhookSource, kind: WebhookKindSource): AdmissionWebhook {
  return {
    admissionReviewVersions: ['v1'],
    clientConfig: { service: { ...webhookService, path: entry.path } },
    failurePolicy: entry.failurePolicy,
    name: entry.name,
    rules: [
      {
        apiGroups: [kind.group],
        apiVersions: [kind.version],
        operations: [...entry.operations],
        resources: [kind.plural],
      },
    ],
    sideEffects: entry.sideEffects,
    timeoutSeconds: entry.timeoutSeconds,
  };
}

function assertUnique(entries: readonly AdmissionWebhook[]): void {
  const names = new Set<string>();
  const paths = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name))
      throw new Error(`two webhooks are named ${entry.name}: each kind is declared once`);
    const path = entry.clientConfig.service.path;
    if (paths.has(path)) throw new Error(`two webhooks are served on ${path}: each kind is declared once`);
    names.add(entry.name);
    paths.add(path);
  }
}
