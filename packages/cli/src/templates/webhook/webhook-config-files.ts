import type { ProjectFile } from '../../project/project-file.js';
import type { NewFile } from '../../scaffold/scaffold-step.js';

/** Where `create webhook` lists config/webhook/manifests.yaml, which exists once there is an admission webhook. */
export const webhookManifestsMarker = '# +spoke:scaffold:webhookmanifests';

/** Shared by every webhook of the project: written by the first `create webhook`, kept after. */
function shared(path: string, content: string): NewFile {
  return { kind: 'new', path, content, ifExists: 'skip' };
}

function labels(name: string, indent: string): string {
  return `${indent}app.kubernetes.io/name: ${name}\n${indent}app.kubernetes.io/managed-by: kustomize`;
}

/** config/crd/kustomizeconfig.yaml: where a CRD names the conversion webhook's Service, for kustomize. */
export function crdKustomizeConfig(): NewFile {
  return shared(
    'config/crd/kustomizeconfig.yaml',
    `# This file is for teaching kustomize how to substitute name and namespace reference in CRD
nameReference:
- kind: Service
  version: v1
  fieldSpecs:
  - kind: CustomResourceDefinition
    version: v1
    group: apiextensions.k8s.io
    path: spec/conversion/webhook/clientConfig/service/name

namespace:
- kind: CustomResourceDefinition
  version: v1
  group: apiextensions.k8s.io
  path: spec/conversion/webhook/clientConfig/service/namespace
  create: false
`,
  );
}

/**
 * kubebuilder's config/webhook (the configurations `make manifests` generates, the Service the API server calls),
 * config/certmanager (a self-signed Issuer and the serving Certificate), and the manager's patch that serves them.
 */
export function webhookConfigFiles(project: ProjectFile): NewFile[] {
  const name = project.projectName;
  return [
    shared(
      'config/webhook/kustomization.yaml',
      `resources:
# The MutatingWebhookConfiguration and ValidatingWebhookConfiguration, generated from src/webhook by \`make manifests\`
# once there is a defaulting or validating webhook (a conversion webhook is configured in its CRD).
${webhookManifestsMarker}
- service.yaml

configurations:
- kustomizeconfig.yaml
`,
    ),
    shared(
      'config/webhook/kustomizeconfig.yaml',
      `# the following config is for teaching kustomize where to look at when substituting nameReference.
# It requires kustomize v2.1.0 or newer to work properly.
nameReference:
- kind: Service
  version: v1
  fieldSpecs:
  - kind: MutatingWebhookConfiguration
    group: admissionregistration.k8s.io
    path: webhooks/clientConfig/service/name
  - kind: ValidatingWebhookConfiguration
    group: admissionregistration.k8s.io
    path: webhooks/clientConfig/service/name

namespace:
- kind: MutatingWebhookConfiguration
  group: admissionregistration.k8s.io
  path: webhooks/clientConfig/service/namespace
  create: true
- kind: ValidatingWebhookConfiguration
  group: admissionregistration.k8s.io
  path: webhooks/clientConfig/service/namespace
  create: true
`,
    ),
    shared(
      'config/webhook/service.yaml',
      `apiVersion: v1
kind: Service
metadata:
  labels:
${labels(name, '    ')}
  name: webhook-service
  namespace: system
spec:
  ports:
    - port: 443
      protocol: TCP
      targetPort: 9443
  selector:
    control-plane: controller-manager
    app.kubernetes.io/name: ${name}
`,
    ),
    shared(
      'config/certmanager/kustomization.yaml',
      `resources:
- issuer.yaml
- certificate-webhook.yaml

configurations:
- kustomizeconfig.yaml
`,
    ),
    shared(
      'config/certmanager/kustomizeconfig.yaml',
      `# This configuration is for teaching kustomize how to update name ref substitution
nameReference:
- kind: Issuer
  group: cert-manager.io
  fieldSpecs:
  - kind: Certificate
    group: cert-manager.io
    path: spec/issuerRef/name
`,
    ),
    shared(
      'config/certmanager/issuer.yaml',
      `# The following manifest contains a self-signed issuer CR.
# More information can be found at https://docs.cert-manager.io
# WARNING: Targets CertManager v1.0. Check https://cert-manager.io/docs/installation/upgrading/ for breaking changes.
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  labels:
${labels(name, '    ')}
  name: selfsigned-issuer
  namespace: system
spec:
  selfSigned: {}
`,
    ),
    shared(
      'config/certmanager/certificate-webhook.yaml',
      `# The following manifests contain a self-signed issuer CR and a certificate CR.
# More document can be found at https://docs.cert-manager.io
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  labels:
${labels(name, '    ')}
  name: serving-cert  # this name should match the one appeared in kustomizeconfig.yaml
  namespace: system
spec:
  # SERVICE_NAME and SERVICE_NAMESPACE will be substituted by kustomize
  # replacements in the config/default/kustomization.yaml file.
  dnsNames:
    - SERVICE_NAME.SERVICE_NAMESPACE.svc
    - SERVICE_NAME.SERVICE_NAMESPACE.svc.cluster.local
  issuerRef:
    kind: Issuer
    name: selfsigned-issuer
  secretName: webhook-server-cert
`,
    ),
    shared(
      'config/default/manager_webhook_patch.yaml',
      `# This patch ensures the webhook certificates are properly mounted in the manager container.
# It configures the necessary arguments, volumes, volume mounts, and container ports.

# Add the --webhook-cert-path argument for configuring the webhook certificate path
- op: add
  path: /spec/template/spec/containers/0/args/-
  value: --webhook-cert-path=/tmp/k8s-webhook-server/serving-certs

# Add the volumeMount for the webhook certificates
- op: add
  path: /spec/template/spec/containers/0/volumeMounts/-
  value:
    mountPath: /tmp/k8s-webhook-server/serving-certs
    name: webhook-certs
    readOnly: true

# Add the port configuration for the webhook server
- op: add
  path: /spec/template/spec/containers/0/ports/-
  value:
    containerPort: 9443
    name: webhook-server
    protocol: TCP

# Add the volume configuration for the webhook certificates
- op: add
  path: /spec/template/spec/volumes/-
  value:
    name: webhook-certs
    secret:
      secretName: webhook-server-cert
`,
    ),
  ];
}
