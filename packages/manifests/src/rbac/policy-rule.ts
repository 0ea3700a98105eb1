/** One rbac.authorization.k8s.io/v1 PolicyRule, as plain data. */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

/** An rbac.authorization.k8s.io/v1 ClusterRole, as plain data ready to be written as YAML. */
export interface ClusterRole {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRole';
  metadata: { name: string };
  rules: PolicyRule[];
}
