import type { ResourceKind } from '../kinds/resource-kind.js';

/** Where in a kind's REST tree a request goes: the collection (no name), one object, or one of its subresources. */
export interface ResourceLocation {
  /** Ignored for cluster-scoped kinds; absent on a namespaced kind means all namespaces (collection reads only). */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** Query parameters; `undefined` values are left out. */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The REST path of a kind's collection or object, e.g. `/apis/apps/v1/namespaces/default/deployments/web/status`.
 * The core group lives under `/api`, every other group under `/apis/<group>`.
 */
export function resourcePath(kind: ResourceKind, location: ResourceLocation = {}): string {
  const segments = kind.group === '' ? ['api', kind.version] : ['apis', kind.group, kind.version];
  if (kind.namespaced && location.namespace) segments.push('namespaces', location.namespace);
  segments.push(kind.plural);
  if (location.name !== undefined) {
    if (location.name === '') throw new Error(`${describeTarget(kind, location)}: empty object name`);
    segments.push(location.name);
    if (location.subresource) segments.push(location.subresource);
  } else if (location.subresource) {
    throw new Error(
      `${describeTarget(kind, location)}: subresource ${location.subresource} needs an object name`,
    );
  }
  return '/' + segments.map((s) => encodeURIComponent(s)).join('/');
}

/** The path with its query string, leaving out `undefined` parameters. */
export function withQuery(path: string, query: QueryParams = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * How errors name the target of a request: `apps/v1 Deployment default/web-proxy`, `v1 ConfigMap` (a collection),
 * `v1 Pod default/web-0 (status)`.
 */
export function describeTarget(kind: ResourceKind, location: ResourceLocation = {}): string {
  const namespace = kind.namespaced ? location.namespace : undefined;
  let object = '';
  if (location.name !== undefined)
    object = namespace ? ` ${namespace}/${location.name}` : ` ${location.name}`;
  else if (namespace) object = ` in namespace ${namespace}`;
  const sub = location.subresource ? ` (${location.subresource})` : '';
  return `${kind.apiVersion} ${kind.kind}${object}${sub}`;
}
