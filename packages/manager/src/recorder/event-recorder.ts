import type { KubernetesObject } from '@kubernetes/client-node';

/** `Normal` for things going as planned, `Warning` for what a human may need to look at. */
export type EventType = 'Normal' | 'Warning';

/** Optional parts of an event. */
export interface EventOptions {
  /** What the controller did or failed to do, e.g. `CreateConfigMap`. Default: the reason. */
  readonly action?: string;
  /** A second object the event is about, e.g. the ConfigMap a Memcached's controller created. */
  readonly related?: KubernetesObject;
}

/**
 * Records Kubernetes Events about objects, shown by `kubectl describe` and `kubectl events`.
 *
 * An abstract class rather than an interface so that it can be a constructor-injection token: a controller that
 * declares `constructor(private readonly recorder: EventRecorder)` gets a recorder bound to its name.
 *
 * Recording never throws and never waits: events are diagnostics, and a failure to record one must not fail the
 * reconcile. For the same reason the recorder is exempt from the single-writer rule: events describe what
 * controllers did, they are not state any controller reconciles, so many writers cannot fight over them.
 */
export abstract class EventRecorder {
  /**
   * Records an event about `regarding`. `reason` is a short UpperCamelCase machine-readable cause (`Created`,
   * `ScalingReplicaSet`); `note` the human-readable message (truncated to 1 kB).
   */
  abstract event(
    regarding: KubernetesObject,
    type: EventType,
    reason: string,
    note: string,
    options?: EventOptions,
  ): void;
}
