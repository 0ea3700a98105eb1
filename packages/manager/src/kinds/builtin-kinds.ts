import type {
  CoreV1Event,
  EventsV1Event,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1CronJob,
  V1CustomResourceDefinition,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Ingress,
  V1Job,
  V1Lease,
  V1Namespace,
  V1NetworkPolicy,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { defineKind, type ResourceKind } from './resource-kind.js';

// Objects are the JSON the API server sends: fields that client-node's models type as `Date`
// (creationTimestamp, lastTransitionTime...) hold RFC 3339 strings at run time.

/** core/v1 ConfigMap. */
export const ConfigMap = defineKind<V1ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
});
/** core/v1 Secret. */
export const Secret = defineKind<V1Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
});
/** core/v1 Service. */
export const Service = defineKind<V1Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  namespaced: true,
});
/** core/v1 Pod. */
export const Pod = defineKind<V1Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  namespaced: true,
});
/** core/v1 Namespace (cluster-scoped). */
export const Namespace = defineKind<V1Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
});
/** core/v1 Node (cluster-scoped). */
export const Node = defineKind<V1Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  namespaced: false,
});
/** core/v1 ServiceAccount. */
export const ServiceAccount = defineKind<V1ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
});
/** core/v1 PersistentVolumeClaim. */
export const PersistentVolumeClaim = defineKind<V1PersistentVolumeClaim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  namespaced: true,
});
/** core/v1 Event, the legacy event API; new code records {@link Event} (events.k8s.io/v1). */
export const CoreEvent = defineKind<CoreV1Event>({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
});

/** apps/v1 Deployment. */
export const Deployment = defineKind<V1Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
});
/** apps/v1 ReplicaSet. */
export const ReplicaSet = defineKind<V1ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  namespaced: true,
});
/** apps/v1 StatefulSet. */
export const StatefulSet = defineKind<V1StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  namespaced: true,
});
/** apps/v1 DaemonSet. */
export const DaemonSet = defineKind<V1DaemonSet>({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  namespaced: true,
});

/** batch/v1 Job. */
export const Job = defineKind<V1Job>({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  namespaced: true,
});
/** batch/v1 CronJob. */
export const CronJob = defineKind<V1CronJob>({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  namespaced: true,
});

/** discovery.k8s.io/v1 EndpointSlice: the endpoints of a Service, written by the endpointslice controller. */
export const EndpointSlice = defineKind<V1EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
});
/** coordination.k8s.io/v1 Lease: leader election and node heartbeats. */
export const Lease = defineKind<V1Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
});
/** events.k8s.io/v1 Event, the event API recorders should write. */
export const Event = defineKind<EventsV1Event>({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
});
/** networking.k8s.io/v1 Ingress. */
export const Ingress = defineKind<V1Ingress>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  namespaced: true,
});
/** networking.k8s.io/v1 NetworkPolicy. */
export const NetworkPolicy = defineKind<V1NetworkPolicy>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  namespaced: true,
});
/** policy/v1 PodDisruptionBudget. */
export const PodDisruptionBudget = defineKind<V1PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  namespaced: true,
});

/** apiextensions.k8s.io/v1 CustomResourceDefinition (cluster-scoped). */
export const CustomResourceDefinition = defineKind<V1CustomResourceDefinition>({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
});

/** rbac.authorization.k8s.io/v1 Role. */
export const Role = defineKind<V1Role>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
});
/** rbac.authorization.k8s.io/v1 RoleBinding. */
export const RoleBinding = defineKind<V1RoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  namespaced: true,
});
/** rbac.authorization.k8s.io/v1 ClusterRole (cluster-scoped). */
export const ClusterRole = defineKind<V1ClusterRole>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
});
/** rbac.authorization.k8s.io/v1 ClusterRoleBinding (cluster-scoped). */
export const ClusterRoleBinding = defineKind<V1ClusterRoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
});

/**
 * API groups served by kube-apiserver itself. Only these kinds accept strategic merge patches: the apiserver
 * rejects them for custom resources (415), whose schemas carry no patch strategy.
 */
const builtinGroups: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/** True for kinds served by kube-apiserver's built-in API groups (not custom resources or aggregated APIs). */
export function isBuiltinKind(kind: ResourceKind): boolean {
  return builtinGroups.has(kind.group);
}
