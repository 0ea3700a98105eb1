/**
 * The sections of config/default/kustomization.yaml that deploy webhooks: `spoke init` writes them commented out,
 * as kubebuilder does, and `spoke create webhook` uncomments those its webhooks need. One definition for both, so
 * the text create webhook looks for is the text init wrote.
 */
export const webhookSections = {
  /** The webhook Service and configurations, and the cert-manager Issuer and Certificate. */
  resources: {
    what: 'the [WEBHOOK] and [CERTMANAGER] resources',
    block: '- ../webhook\n- ../certmanager',
  },
  /** The manager's webhook port, and the Certificate's Secret mounted where --webhook-cert-path reads it. */
  patch: {
    what: 'the [WEBHOOK] manager_webhook_patch.yaml patch',
    block: '- path: manager_webhook_patch.yaml\n  target:\n    kind: Deployment',
  },
  /** The Certificate's DNS names, from the webhook Service's name and namespace (after the name prefix). */
  certificateNames: {
    what: 'the [CERTMANAGER] replacements of the Certificate DNS names',
    block: `replacements:
 - source: # The webhook Service's name and namespace in the serving Certificate's DNS names.
     kind: Service
     version: v1
     name: webhook-service
     fieldPath: .metadata.name
   targets:
     - select:
         kind: Certificate
         group: cert-manager.io
         version: v1
         name: serving-cert
       fieldPaths:
         - .spec.dnsNames.0
         - .spec.dnsNames.1
       options:
         delimiter: '.'
         index: 0
         create: true
 - source:
     kind: Service
     version: v1
     name: webhook-service
     fieldPath: .metadata.namespace
   targets:
     - select:
         kind: Certificate
         group: cert-manager.io
         version: v1
         name: serving-cert
       fieldPaths:
         - .spec.dnsNames.0
         - .spec.dnsNames.1
       options:
         delimiter: '.'
         index: 1
         create: true`,
  },
  /** config/crd/kustomization.yaml: the CRDs' conversion Service, renamed and namespaced as the Service is. */
  crdConfigurations: {
    what: 'the [WEBHOOK] configurations of the CRDs',
    block: 'configurations:\n- kustomizeconfig.yaml',
  },
  validatingCa: caInjection(
    'ValidatingWebhookConfiguration',
    'a ValidatingWebhook (--programmatic-validation)',
  ),
  mutatingCa: caInjection('MutatingWebhookConfiguration', 'a MutatingWebhook (--defaulting)'),
  conversionCa: caInjection('CustomResourceDefinition', 'a conversion webhook (--conversion)'),
} as const;

/** A section: what it is (for errors), and its enabled text. */
export interface WebhookSection {
  readonly what: string;
  readonly block: string;
}

/** cert-manager's CA injection annotation (`<namespace>/<name>` of the Certificate) on every object of `kind`. */
function caInjection(kind: string, when: string): WebhookSection {
  const part = (field: 'namespace' | 'name', index: number, comment: string): string => ` - source:${comment}
     kind: Certificate
     group: cert-manager.io
     version: v1
     name: serving-cert
     fieldPath: .metadata.${field}
   targets:
     - select:
         kind: ${kind}
       fieldPaths:
         - .metadata.annotations.[cert-manager.io/inject-ca-from]
       options:
         delimiter: '/'
         index: ${index}
         create: true`;
  return {
    what: `the [CERTMANAGER] CA injection into the ${kind}`,
    block: `${part('namespace', 0, ` # For ${when}: the CA of the serving Certificate, injected by cert-manager.`)}\n${part('name', 1, '')}`,
  };
}

/** `block` with each line behind `#`, as init writes a section and create webhook finds it. */
export function commented(section: WebhookSection): string {
  return section.block
    .split('\n')
    .map((line) => `#${line}`)
    .join('\n');
}
