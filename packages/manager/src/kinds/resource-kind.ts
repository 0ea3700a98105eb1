import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * A Kubernetes resource type, declared once and used everywhere a kind is named: watches, the client, RBAC.
 *
 * The type parameter ties the declaration to the object's TypeScript type, so `client.get(ConfigMap, key)`
 * returns a `V1ConfigMap` without a cast. Built-in kinds are in `builtin-kinds.ts`; custom kinds are made with
 * {@link defineKind}.
 */
export interface ResourceKind<T extends KubernetesObject = KubernetesObject> {
  /** API group; `''` for the core group (ConfigMap, Pod, Service...). */
  readonly group: string;
  readonly version: string;
  /** `apiVersion` as it appears in objects: `v1` for core, `group/version` otherwise. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The lower-case plural used in REST paths and RBAC rules, e.g. `configmaps`. */
  readonly plural: string;
  /** Whether objects live in a namespace (`Namespaced` scope) or not (`Cluster` scope). */
  readonly namespaced: boolean;
  /** Never set: carries `T` through the type system. */
  readonly __object?: T;
}

/** What {@link defineKind} needs; `apiVersion` is derived from group and version. */
export interface ResourceKindSpec {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** Declares a kind; `T` is the TypeScript type of its objects. */
export function defineKind<T extends KubernetesObject>(spec: ResourceKindSpec): ResourceKind<T> {
  const apiVersion = spec.group === '' ? spec.version : `${spec.group}/${spec.version}`;
  return Object.freeze({ ...spec, apiVersion });
}

/** A stable identity for a kind, e.g. `apps/v1/Deployment` or `core/v1/ConfigMap`; used as a map key. */
export function kindId(kind: ResourceKind): string {
  return `${kind.group === '' ? 'core' : kind.group}/${kind.version}/${kind.kind}`;
}

/** The object type a {@link ResourceKind} stands for. */
export type ObjectOf<K> = K extends ResourceKind<infer T> ? T : never;

/** The API group of an `apiVersion`: `apps` for `apps/v1`, `''` for the core group's `v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
