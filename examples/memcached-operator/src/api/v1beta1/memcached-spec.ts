import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  DefaultMemcachedImage,
  ProxySpecSchema,
  Topologies,
  defaultProxyImage,
  type ProxyEngine,
  type ProxySpec,
  type Topology,
} from '../v1alpha1/memcached-spec.js';
import { StringEnum } from '../v1alpha1/string-enum.js';

// Unchanged from v1alpha1: the proxy block and the topology enum.
export {
  DefaultMcrouterImage,
  DefaultMemcachedImage,
  DefaultTwemproxyImage,
  ProxyEngines,
  ProxySpecSchema,
  Topologies,
  defaultProxyImage,
  type ProxyEngine,
  type ProxySpec,
  type Topology,
} from '../v1alpha1/memcached-spec.js';

/** memcached's own default item size limit (`-I 1m`). */
export const DefaultMaxItemSizeKB = 1024;

/**
 * The memcached servers: v1alpha1's flat `replicas`, `image` and `memoryMB`, grouped, plus what v1alpha1 cannot say
 * (the item size limit).
 */
export const ServersSpecSchema = Type.Object(
  {
    replicas: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        default: 3,
        description:
          'Memcached servers (StatefulSet replicas). 0 keeps the proxy and its Service but no server.',
      }),
    ),
    image: Type.Optional(
      Type.String({
        minLength: 1,
        default: DefaultMemcachedImage,
        description: 'The memcached server image.',
      }),
    ),
    memoryMB: Type.Optional(
      Type.Integer({
        minimum: 16,
        maximum: 65536,
        default: 64,
        description:
          "Item memory per server in MiB (memcached's -m); the container's memory request and limit add 32 MiB of overhead.",
      }),
    ),
    maxItemSizeKB: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 131072,
        description:
          "The largest item a server stores, in KiB (memcached's -I); at most half of memoryMB. When absent, memcached's 1 MiB.",
      }),
    ),
  },
  {
    description: 'The memcached servers: a StatefulSet behind the headless Service <name>.',
    default: {},
    'x-kubernetes-validations': [
      {
        // memcached refuses to start otherwise ("Cannot set item size limit higher than 1/2 of memory max").
        rule: '!has(self.maxItemSizeKB) || self.maxItemSizeKB * 2 <= (has(self.memoryMB) ? self.memoryMB : 64) * 1024',
        message: 'maxItemSizeKB must be at most half of memoryMB: memcached refuses to start otherwise',
        fieldPath: '.maxItemSizeKB',
        reason: 'FieldValueInvalid',
      },
    ],
  },
);

/** The fields a user sets; defaults are applied by the API server (CRD schema) and the defaulting webhook. */
export const MemcachedSpecSchema = Type.Object(
  {
    servers: Type.Optional(ServersSpecSchema),
    topology: Type.Optional(
      StringEnum(Topologies, {
        default: 'Sharded',
        description:
          'Sharded: each key on one server (consistent hashing). Replicated: writes to all servers, reads from one.',
      }),
    ),
    proxy: Type.Optional(ProxySpecSchema),
  },
  {
    description: 'The desired memcached pool.',
    default: {},
    // The same static rules as v1alpha1; rules that need the old and new object and the annotations, or give
    // warnings, are the validating webhook's.
    'x-kubernetes-validations': [
      {
        rule: "!(self.topology == 'Replicated' && has(self.proxy) && self.proxy.engine == 'Twemproxy')",
        message:
          'topology Replicated needs proxy.engine Mcrouter: twemproxy cannot replicate writes to every server',
        fieldPath: '.topology',
        reason: 'FieldValueInvalid',
      },
      {
        rule: "self.topology == 'Replicated' || oldSelf.topology == 'Replicated' || (has(self.proxy) ? self.proxy.engine : 'Mcrouter') == (has(oldSelf.proxy) ? oldSelf.proxy.engine : 'Mcrouter')",
        message:
          'proxy.engine is immutable while the topology stays Sharded: the engines hash keys to different servers, which would strand cached data (switch through topology Replicated, or create a new Memcached)',
        fieldPath: '.proxy.engine',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

export type MemcachedSpec = Static<typeof MemcachedSpecSchema>;
export type ServersSpec = Static<typeof ServersSpecSchema>;

/** A spec with every default applied: what the controllers act on (the same shape as v1alpha1's, plus -I). */
export interface ResolvedMemcachedSpec {
  readonly replicas: number;
  readonly image: string;
  readonly memoryMB: number;
  /** Absent: memcached's default; the StatefulSet then passes no `-I`, as before v1beta1. */
  readonly maxItemSizeKB?: number;
  readonly topology: Topology;
  readonly proxy: { readonly engine: ProxyEngine; readonly replicas: number; readonly image: string };
}

/** Applies the schema's defaults, as the API server does (see v1alpha1's `resolveSpec`). */
export function resolveSpec(spec: MemcachedSpec | undefined): ResolvedMemcachedSpec {
  const withDefaults = Value.Default(MemcachedSpecSchema, structuredClone(spec ?? {})) as MemcachedSpec;
  const servers = Value.Default(ServersSpecSchema, withDefaults.servers ?? {}) as ServersSpec;
  const proxy = Value.Default(ProxySpecSchema, withDefaults.proxy ?? {}) as ProxySpec;
  const engine = proxy.engine ?? 'Mcrouter';
  return {
    replicas: servers.replicas ?? 3,
    image: servers.image ?? DefaultMemcachedImage,
    memoryMB: servers.memoryMB ?? 64,
    ...(servers.maxItemSizeKB === undefined ? {} : { maxItemSizeKB: servers.maxItemSizeKB }),
    topology: withDefaults.topology ?? 'Sharded',
    proxy: { engine, replicas: proxy.replicas ?? 2, image: proxy.image ?? defaultProxyImage(engine) },
  };
}
