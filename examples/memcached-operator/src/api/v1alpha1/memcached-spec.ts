import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { StringEnum } from './string-enum.js';

/** How keys are spread over the memcached servers. */
export const Topologies = ['Sharded', 'Replicated'] as const;
/** `Sharded`: each key lives on one server, chosen by consistent hashing. `Replicated`: writes go to every server, reads to one. */
export type Topology = (typeof Topologies)[number];

/** The proxy that clients talk to instead of the servers. */
export const ProxyEngines = ['Mcrouter', 'Twemproxy'] as const;
export type ProxyEngine = (typeof ProxyEngines)[number];

/** Pinned by tag so that a controller upgrade never changes the image of running servers by itself. */
export const DefaultMemcachedImage = 'memcached:1.6.38-alpine';
export const DefaultMcrouterImage = 'mcrouter/mcrouter:v2025.02.10.00';
export const DefaultTwemproxyImage = 'ghcr.io/twitter/twemproxy:0.5.0';

/** The proxy in front of the servers: one Deployment, configured from an immutable ConfigMap per backend set. */
export const ProxySpecSchema = Type.Object(
  {
    engine: Type.Optional(
      StringEnum(ProxyEngines, {
        // Mcrouter by default: it serves both topologies, so no topology alone is rejected for the default engine.
        default: 'Mcrouter',
        description:
          'The proxy implementation: Mcrouter (Sharded or Replicated) or Twemproxy (Sharded only).',
      }),
    ),
    replicas: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        default: 2,
        description:
          'Proxy pods. At least one, so that clients always have an endpoint; 2 by default for rollouts without a gap.',
      }),
    ),
    image: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The proxy image; when absent, a pinned image of the chosen engine.',
      }),
    ),
  },
  {
    description: 'The proxy Deployment clients connect to (Service <name>-proxy, port 11211).',
    // Defaulted to {} so that the API server fills in the proxy's own defaults when the user omits the whole block.
    default: {},
  },
);

/** The fields a user sets. Defaults are applied by the API server (they are in the CRD schema). */
export const MemcachedSpecSchema = Type.Object(
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
    // So that `spec` may be omitted: the API server then fills in every default below.
    default: {},
    'x-kubernetes-validations': [
      {
        rule: "!(self.topology == 'Replicated' && has(self.proxy) && self.proxy.engine == 'Twemproxy')",
        message:
          'topology Replicated needs proxy.engine Mcrouter: twemproxy cannot replicate writes to every server',
        fieldPath: '.topology',
        reason: 'FieldValueInvalid',
      },
      {
        // A transition rule (evaluated on updates only). With Sharded before and after, twemproxy (ketama over pod
        // names) and mcrouter (Ch3 over list positions) put most keys on different servers: the cached copies would
        // be stranded, and served stale if the engine were switched back. Through Replicated every server holds the
        // latest write, so the switch is safe there.
        rule: "self.topology == 'Replicated' || oldSelf.topology == 'Replicated' || (has(self.proxy) ? self.proxy.engine : 'Mcrouter') == (has(oldSelf.proxy) ? oldSelf.proxy.engine : 'Mcrouter')",
        message:
          'proxy.engine is immutable while the topology stays Sharded: the engines hash keys to different servers, which would strand cached data (switch through topology Replicated, or create a new Memcached)',
        fieldPath: '.proxy.engine',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

/**
 * The spec as written: every field with a default is optional, because the API server fills it in. Code that acts on
 * a spec reads it through {@link resolveSpec}, which applies the same defaults from the same schema.
 */
export type MemcachedSpec = Static<typeof MemcachedSpecSchema>;
export type ProxySpec = Static<typeof ProxySpecSchema>;

/** A spec with every default applied: what the controllers act on. */
export interface ResolvedMemcachedSpec {
  readonly replicas: number;
  readonly image: string;
  readonly memoryMB: number;
  readonly topology: Topology;
  readonly proxy: { readonly engine: ProxyEngine; readonly replicas: number; readonly image: string };
}

/** The proxy image when `spec.proxy.image` is absent. */
export function defaultProxyImage(engine: ProxyEngine): string {
  return engine === 'Mcrouter' ? DefaultMcrouterImage : DefaultTwemproxyImage;
}

/**
 * Applies the schema's defaults, as the API server does, so that an object built in code (or read from a cluster
 * whose CRD is older) is acted on exactly like one the API server defaulted.
 */
export function resolveSpec(spec: MemcachedSpec | undefined): ResolvedMemcachedSpec {
  const withDefaults = Value.Default(MemcachedSpecSchema, structuredClone(spec ?? {})) as MemcachedSpec;
  const proxy = Value.Default(ProxySpecSchema, withDefaults.proxy ?? {}) as ProxySpec;
  const engine = proxy.engine ?? 'Mcrouter';
  return {
    replicas: withDefaults.replicas ?? 3,
    image: withDefaults.image ?? DefaultMemcachedImage,
    memoryMB: withDefaults.memoryMB ?? 64,
    topology: withDefaults.topology ?? 'Sharded',
    proxy: { engine, replicas: proxy.replicas ?? 2, image: proxy.image ?? defaultProxyImage(engine) },
  };
}
