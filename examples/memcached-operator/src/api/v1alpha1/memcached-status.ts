import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './string-enum.js';

/** A condition as metav1.Condition defines it, so `kubectl wait --for=condition=Available` works. */
export const ConditionSchema = Type.Object({
  type: Type.String({
    maxLength: 316,
    pattern:
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }),
  status: StringEnum(['True', 'False', 'Unknown'] as const),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  reason: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: Type.String({ maxLength: 32768 }),
});
export type Condition = Static<typeof ConditionSchema>;

/** One memcached server in the proxy's configuration. */
export const BackendStatusSchema = Type.Object({
  name: Type.String({ description: "The pod name: the server's identity on the hash ring." }),
  address: Type.String({ description: 'ip:port the proxy connects to.' }),
});
export type BackendStatus = Static<typeof BackendStatusSchema>;

/** The proxy Deployment as last observed. */
export const ProxyStatusSchema = Type.Object({
  replicas: Type.Integer({ minimum: 0, default: 0 }),
  updatedReplicas: Type.Integer({
    minimum: 0,
    default: 0,
    description: 'Proxy pods on the current ConfigMap.',
  }),
  readyReplicas: Type.Integer({ minimum: 0, default: 0 }),
});
export type ProxyStatus = Static<typeof ProxyStatusSchema>;

/** What the controllers observed; written only by the status controller. */
export const MemcachedStatusSchema = Type.Object({
  observedGeneration: Type.Optional(
    Type.Integer({ minimum: 0, description: 'The metadata.generation this status describes.' }),
  ),
  replicas: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Memcached server pods (the scale subresource reads it).' }),
  ),
  readyReplicas: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Memcached server pods that are ready.' }),
  ),
  selector: Type.Optional(
    Type.String({ description: 'The label selector of the server pods, for the scale subresource (HPA).' }),
  ),
  backends: Type.Optional(
    Type.Array(BackendStatusSchema, {
      description: 'The servers in the current proxy configuration, in ring order.',
    }),
  ),
  configMap: Type.Optional(
    Type.String({ description: 'The ConfigMap holding the current proxy configuration.' }),
  ),
  proxy: Type.Optional(ProxyStatusSchema),
  conditions: Type.Optional(
    Type.Array(ConditionSchema, {
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      description: 'Available, Progressing and Degraded.',
    }),
  ),
});
export type MemcachedStatus = Static<typeof MemcachedStatusSchema>;

/** The condition types the status controller maintains. */
export const ConditionTypes = {
  /** At least one proxy pod is ready with a config: clients are served (perhaps by fewer servers than desired). */
  Available: 'Available',
  /** A change is being carried out: servers scaling, a new config waiting to be written, or a proxy rollout. */
  Progressing: 'Progressing',
  /** Some server or proxy pod exists but is not ready. */
  Degraded: 'Degraded',
} as const;
export type ConditionType = (typeof ConditionTypes)[keyof typeof ConditionTypes];
