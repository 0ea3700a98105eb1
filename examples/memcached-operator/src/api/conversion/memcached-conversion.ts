import type { Memcached as MemcachedV1beta1, ServersSpec } from '../v1beta1/index.js';
import type { Memcached, MemcachedSpec } from '../v1alpha1/index.js';

/**
 * On a v1alpha1 object: the v1beta1 fields v1alpha1 cannot hold, as JSON (`{"servers":{...}}`), so that
 * v1beta1 → v1alpha1 → v1beta1 loses nothing (kubebuilder's conversion tutorial keeps them the same way). Reserved:
 * the conversion writes and consumes it.
 */
export const V1beta1FieldsAnnotation = 'conversion.cache.spoke.dev/v1beta1-fields';

const apiVersion = 'cache.spoke.dev/v1alpha1';
const hubApiVersion = 'cache.spoke.dev/v1beta1';

/**
 * v1alpha1 → v1beta1 (the hub): the flat `replicas`, `image` and `memoryMB` move under `servers`; fields saved in
 * {@link V1beta1FieldsAnnotation} by {@link convertFromHub} come back and the annotation goes. Pure: `spoke` is not
 * changed.
 */
export function convertToHub(spoke: Memcached): MemcachedV1beta1 {
  const { spec, ...rest } = structuredClone(spoke);
  const hub: MemcachedV1beta1 = { ...rest, apiVersion: hubApiVersion };
  const saved = takeSavedFields(hub);
  if (spec !== undefined) {
    const { replicas, image, memoryMB, ...others } = spec;
    const flat: ServersSpec = {
      ...(replicas === undefined ? {} : { replicas }),
      ...(image === undefined ? {} : { image }),
      ...(memoryMB === undefined ? {} : { memoryMB }),
    };
    const servers =
      saved?.servers === undefined && Object.keys(flat).length === 0
        ? undefined
        : { ...saved?.servers, ...flat };
    hub.spec = { ...(servers === undefined ? {} : { servers }), ...others };
  }
  return hub;
}

/**
 * v1beta1 (the hub) → v1alpha1: `servers` flattens; what v1alpha1 cannot hold (`servers.maxItemSizeKB`, or an empty
 * `servers` that the flat fields cannot tell from an absent one) is saved in {@link V1beta1FieldsAnnotation}.
 */
export function convertFromHub(hub: MemcachedV1beta1): Memcached {
  const { spec, ...rest } = structuredClone(hub);
  const spoke: Memcached = { ...rest, apiVersion };
  if (spec === undefined) return spoke;
  const { servers, ...others } = spec;
  const out: MemcachedSpec = { ...others };
  if (servers !== undefined) {
    const { replicas, image, memoryMB, ...unheld } = servers;
    if (replicas !== undefined) out.replicas = replicas;
    if (image !== undefined) out.image = image;
    if (memoryMB !== undefined) out.memoryMB = memoryMB;
    const flatCount = Object.keys(servers).length - Object.keys(unheld).length;
    if (Object.keys(unheld).length > 0 || flatCount === 0) {
      spoke.metadata ??= {};
      spoke.metadata.annotations = {
        ...spoke.metadata.annotations,
        [V1beta1FieldsAnnotation]: JSON.stringify({ servers: unheld }),
      };
    }
  }
  spoke.spec = out;
  return spoke;
}

/**
 * Removes the annotation from `obj` and returns what it held; an annotation that is not what
 * {@link convertFromHub} writes (someone edited it) is left alone as an ordinary annotation, never a failed
 * conversion.
 */
function takeSavedFields(obj: MemcachedV1beta1): { servers?: ServersSpec } | undefined {
  const raw = obj.metadata?.annotations?.[V1beta1FieldsAnnotation];
  if (raw === undefined || obj.metadata?.annotations === undefined) return undefined;
  let saved: unknown;
  try {
    saved = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isSavedFields(saved)) return undefined;
  const annotations = Object.fromEntries(
    Object.entries(obj.metadata.annotations).filter(([key]) => key !== V1beta1FieldsAnnotation),
  );
  if (Object.keys(annotations).length === 0) delete obj.metadata.annotations;
  else obj.metadata.annotations = annotations;
  return saved;
}

function isSavedFields(value: unknown): value is { servers: ServersSpec } {
  if (typeof value !== 'object' || value === null) return false;
  const servers = (value as { servers?: unknown }).servers;
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) return false;
  const keys = Object.keys(servers);
  return keys.every((k) => k === 'maxItemSizeKB') && Object.values(servers).every((v) => Number.isInteger(v));
}
