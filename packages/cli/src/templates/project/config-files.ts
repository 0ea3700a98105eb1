import type { ProjectOptions } from '../../scaffold/scaffold-context.js';
import type { NewFile } from '../../scaffold/scaffold-step.js';
import { commented, webhookSections as sections } from './webhook-sections.js';

/** Where `spoke create api` adds entries to the kustomizations. */
export const yamlMarkers = {
  crdResources: '# +spoke:scaffold:crdkustomizeresource',
  samples: '# +spoke:scaffold:manifestskustomizesamples',
  rbacRoles: '# +spoke:scaffold:rbackustomizeroles',
} as const;

function file(path: string, content: string): NewFile {
  return { kind: 'new', path, content, ifExists: 'refuse' };
}

/** The labels kubebuilder puts on every object of config/. */
function labels(name: string, indent: string): string {
  return `${indent}app.kubernetes.io/name: ${name}\n${indent}app.kubernetes.io/managed-by: kustomize`;
}

/** The kustomize tree of a kubebuilder v4 project: default, manager, rbac, crd, samples, prometheus, network-policy. */
export function configFiles(options: ProjectOptions): NewFile[] {
  const name = options.projectName;
  return [
    file(
      'config/default/kustomization.yaml',
      `# Adds namespace to all resources.
namespace: ${name}-system

# Value of this field is prepended to the
# names of all resources, e.g. a deployment named
# "wordpress" becomes "alices-wordpress".
# Note that it should also match with the prefix (text before '-') of the namespace
# field above.
namePrefix: ${name}-

# Labels to add to all resources and selectors.
#labels:
#- includeSelectors: true
#  pairs:
#    someName: someValue

resources:
- ../crd
- ../rbac
- ../manager
# [WEBHOOK] The webhook Service and configurations (config/webhook) and [CERTMANAGER] their serving certificate
# (config/certmanager, needs cert-manager in the cluster): \`spoke create webhook\` uncomments all the sections with
# [WEBHOOK] or [CERTMANAGER] its webhooks need.
${commented(sections.resources)}
# [PROMETHEUS] To enable prometheus monitor, uncomment all sections with 'PROMETHEUS'.
#- ../prometheus
# [METRICS] Expose the controller manager metrics service.
- metrics_service.yaml
# [NETWORK POLICY] Protect the /metrics endpoint with NetworkPolicy.
# Only Pod(s) running a namespace labeled with 'metrics: enabled' will be able to gather the metrics.
#- ../network-policy

# Uncomment the patches line if you enable Metrics
patches:
# [METRICS] The following patch will enable the metrics endpoint using HTTPS and the port :8443.
# More info: https://book.kubebuilder.io/reference/metrics
- path: manager_metrics_patch.yaml
  target:
    kind: Deployment
# [WEBHOOK] The manager's webhook port, and the certificate Secret mounted where --webhook-cert-path reads it.
${commented(sections.patch)}

# [CERTMANAGER] cert-manager issues the serving certificate for the webhook Service's DNS names and injects its CA
# into the webhook configurations (and, for a conversion, the CRDs).
${commented(sections.certificateNames)}
#
${commented(sections.validatingCa)}
#
${commented(sections.mutatingCa)}
#
${commented(sections.conversionCa)}
`,
    ),
    file(
      'config/default/manager_metrics_patch.yaml',
      `# This patch adds the args to allow exposing the metrics endpoint using HTTPS
- op: add
  path: /spec/template/spec/containers/0/args/0
  value: --metrics-bind-address=:8443
`,
    ),
    file(
      'config/default/metrics_service.yaml',
      `apiVersion: v1
kind: Service
metadata:
  labels:
    control-plane: controller-manager
${labels(name, '    ')}
  name: controller-manager-metrics-service
  namespace: system
spec:
  ports:
  - name: https
    port: 8443
    protocol: TCP
    targetPort: 8443
  selector:
    control-plane: controller-manager
    app.kubernetes.io/name: ${name}
`,
    ),
    file(
      'config/manager/kustomization.yaml',
      `resources:
- manager.yaml
`,
    ),
    file(
      'config/manager/manager.yaml',
      `apiVersion: v1
kind: Namespace
metadata:
  labels:
    control-plane: controller-manager
${labels(name, '    ')}
  name: system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller-manager
  namespace: system
  labels:
    control-plane: controller-manager
${labels(name, '    ')}
spec:
  selector:
    matchLabels:
      control-plane: controller-manager
      app.kubernetes.io/name: ${name}
  replicas: 1
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/default-container: manager
      labels:
        control-plane: controller-manager
        app.kubernetes.io/name: ${name}
    spec:
      # TODO(user): Uncomment the following code to configure the nodeAffinity expression
      # according to the platforms which are supported by your solution.
      # affinity:
      #   nodeAffinity:
      #     requiredDuringSchedulingIgnoredDuringExecution:
      #       nodeSelectorTerms:
      #         - matchExpressions:
      #           - key: kubernetes.io/arch
      #             operator: In
      #             values:
      #               - amd64
      #               - arm64
      #           - key: kubernetes.io/os
      #             operator: In
      #             values:
      #               - linux
      securityContext:
        # Projects are configured by default to adhere to the "restricted" Pod Security Standards.
        # This ensures that deployments meet the highest security requirements for Kubernetes.
        # For more details, see: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
      # No command: the image's entrypoint runs the manager with node (see the Dockerfile).
      - args:
          - --leader-elect
          - --health-probe-bind-address=:8081
        image: controller:latest
        name: manager
        env:
        # Keep V8's heap inside the memory limit, so that the process fails a GC rather than being OOM-killed.
        - name: NODE_OPTIONS
          value: --max-old-space-size=192
        ports: []
        securityContext:
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
          capabilities:
            drop:
            - "ALL"
        livenessProbe:
          httpGet:
            path: /healthz
            port: 8081
          initialDelaySeconds: 15
          periodSeconds: 20
        readinessProbe:
          httpGet:
            path: /readyz
            port: 8081
          initialDelaySeconds: 5
          periodSeconds: 10
        # TODO(user): Configure the resources accordingly based on the project requirements.
        # A Node process needs more memory than a Go manager: about 60 MiB at rest, plus the informer caches.
        # More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
        resources:
          limits:
            cpu: 500m
            memory: 256Mi
          requests:
            cpu: 10m
            memory: 128Mi
        volumeMounts: []
      volumes: []
      serviceAccountName: controller-manager
      terminationGracePeriodSeconds: 10
`,
    ),
    file(
      'config/rbac/kustomization.yaml',
      `resources:
# All RBAC will be applied under this service account in
# the deployment namespace. You may comment out this resource
# if your manager will use a service account that exists at
# runtime. Be sure to update RoleBinding and ClusterRoleBinding
# subjects if changing service account names.
- service_account.yaml
# role.yaml is generated from the controllers' @Controller declarations by \`make manifests\`.
- role.yaml
- role_binding.yaml
- leader_election_role.yaml
- leader_election_role_binding.yaml
# The following RBAC configurations are used to protect
# the metrics endpoint with authn/authz. These configurations
# ensure that only authorized users and service accounts
# can access the metrics endpoint. Comment the following
# permissions if you want to disable this protection.
# More info: https://book.kubebuilder.io/reference/metrics.html
- metrics_auth_role.yaml
- metrics_auth_role_binding.yaml
- metrics_reader_role.yaml
# For each CRD, "Admin", "Editor" and "Viewer" roles are scaffolded by
# default, aiding admins in cluster management. Those roles are
# not used by the ${name} itself. You can comment the following lines
# if you do not want those helpers be installed with your Project.
${yamlMarkers.rbacRoles}
`,
    ),
    file(
      'config/rbac/service_account.yaml',
      `apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
${labels(name, '    ')}
  name: controller-manager
  namespace: system
`,
    ),
    file(
      'config/rbac/role_binding.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  labels:
${labels(name, '    ')}
  name: manager-rolebinding
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: manager-role
subjects:
- kind: ServiceAccount
  name: controller-manager
  namespace: system
`,
    ),
    file(
      'config/rbac/leader_election_role.yaml',
      `# permissions to do leader election.
# Spoke's leader elector uses coordination.k8s.io Leases only, so unlike kubebuilder's scaffold this Role grants
# nothing else.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  labels:
${labels(name, '    ')}
  name: leader-election-role
  namespace: system
rules:
- apiGroups:
  - coordination.k8s.io
  resources:
  - leases
  verbs:
  - get
  - list
  - watch
  - create
  - update
  - patch
  - delete
`,
    ),
    file(
      'config/rbac/leader_election_role_binding.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  labels:
${labels(name, '    ')}
  name: leader-election-rolebinding
  namespace: system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: leader-election-role
subjects:
- kind: ServiceAccount
  name: controller-manager
  namespace: system
`,
    ),
    file(
      'config/rbac/metrics_auth_role.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-auth-role
rules:
- apiGroups:
  - authentication.k8s.io
  resources:
  - tokenreviews
  verbs:
  - create
- apiGroups:
  - authorization.k8s.io
  resources:
  - subjectaccessreviews
  verbs:
  - create
`,
    ),
    file(
      'config/rbac/metrics_auth_role_binding.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics-auth-rolebinding
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: metrics-auth-role
subjects:
- kind: ServiceAccount
  name: controller-manager
  namespace: system
`,
    ),
    file(
      'config/rbac/metrics_reader_role.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-reader
rules:
- nonResourceURLs:
  - "/metrics"
  verbs:
  - get
`,
    ),
    file(
      'config/crd/kustomization.yaml',
      `# This kustomization.yaml is not intended to be run by itself,
# since it depends on service name and namespace that are out of this kustomize package.
# It should be run by config/default
resources:
# The CRDs of config/crd/bases, generated from src/api by \`make manifests\`; \`spoke create api\` lists each here.
${yamlMarkers.crdResources}

# [WEBHOOK] For a conversion webhook (\`spoke create webhook --conversion\` uncomments it): the Service in the CRDs'
# conversion gets the name prefix and namespace of config/default, as the webhook Service does.
${commented(sections.crdConfigurations)}
`,
    ),
    file(
      'config/samples/kustomization.yaml',
      `## Append samples of your project ##
resources:
${yamlMarkers.samples}
`,
    ),
    file(
      'config/prometheus/kustomization.yaml',
      `resources:
- monitor.yaml
`,
    ),
    file(
      'config/prometheus/monitor.yaml',
      `# Prometheus Monitor Service (Metrics)
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  labels:
    control-plane: controller-manager
${labels(name, '    ')}
  name: controller-manager-metrics-monitor
  namespace: system
spec:
  endpoints:
    - path: /metrics
      port: https # Ensure this is the name of the port that exposes HTTPS metrics
      scheme: https
      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
      tlsConfig:
        # TODO(user): The option insecureSkipVerify: true is not recommended for production since it disables
        # certificate verification, exposing the system to potential man-in-the-middle attacks.
        # The manager serves /metrics with a self-signed certificate unless --metrics-cert-path names a directory
        # with tls.crt and tls.key (e.g. a mounted cert-manager Secret); then set tlsConfig.ca instead.
        insecureSkipVerify: true
  selector:
    matchLabels:
      control-plane: controller-manager
      app.kubernetes.io/name: ${name}
`,
    ),
    file(
      'config/network-policy/kustomization.yaml',
      `resources:
- allow-metrics-traffic.yaml
`,
    ),
    file(
      'config/network-policy/allow-metrics-traffic.yaml',
      `# This NetworkPolicy allows ingress traffic
# with Pods running on namespaces labeled with 'metrics: enabled'. Only Pods on those
# namespaces are able to gather data from the metrics endpoint.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  labels:
${labels(name, '    ')}
  name: allow-metrics-traffic
  namespace: system
spec:
  podSelector:
    matchLabels:
      control-plane: controller-manager
      app.kubernetes.io/name: ${name}
  policyTypes:
    - Ingress
  ingress:
    # This allows ingress traffic from any namespace with the label metrics: enabled
    - from:
      - namespaceSelector:
          matchLabels:
            metrics: enabled  # Only from namespaces with this label
      ports:
        - port: 8443
          protocol: TCP
`,
    ),
  ];
}
