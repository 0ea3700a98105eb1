import 'reflect-metadata';
import { injectable } from 'tsyringe';
import type { Reconciler } from '../reconcile/reconciler.js';
import type { ControllerMetadata, ControllerOptions } from './controller-options.js';

const metadataKey = Symbol.for('spoke.dev/controller');

/** A class whose instances reconcile; its constructor parameters are injected. */
export type ReconcilerClass = new (...args: never[]) => Reconciler;

/**
 * Declares a controller class, as kubebuilder's `For`/`Owns`/`Watches` builder does, and makes its constructor
 * injectable (tsyringe). The manager gives each controller its own child container, in which `Client` resolves to a
 * client that may only write the `writes` kind and `EventRecorder` to a recorder named after the controller.
 *
 * ```ts
 * @Controller({ name: 'proxy-config', for: Memcached, owns: [ConfigMap], writes: ConfigMap })
 * export class ProxyConfigController implements Reconciler {
 *   constructor(private readonly client: Client, private readonly recorder: EventRecorder) {}
 *   async reconcile(req: Request, ctx: ReconcileContext): Promise<Result | void> { ... }
 * }
 * ```
 */
export function Controller(options: ControllerOptions) {
  const metadata = normalize(options);
  return <C extends ReconcilerClass>(target: C): C => {
    injectable()(target);
    Reflect.defineMetadata(metadataKey, metadata, target);
    return target;
  };
}

/**
 * The declaration of a `@Controller` class, with defaults applied; undefined for other classes. The manifests
 * generator derives RBAC rules from it.
 */
export function getControllerMetadata(cls: object): ControllerMetadata | undefined {
  return Reflect.getOwnMetadata(metadataKey, cls) as ControllerMetadata | undefined;
}

function normalize(options: ControllerOptions): ControllerMetadata {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.name)) {
    throw new Error(
      `@Controller name "${options.name}" must be a lower-case DNS label (it names metrics and logs)`,
    );
  }
  const max = options.maxConcurrentReconciles ?? 1;
  if (!Number.isInteger(max) || max < 1) {
    throw new Error(
      `@Controller ${options.name}: maxConcurrentReconciles must be a positive integer, got ${max}`,
    );
  }
  if (options.reconcileTimeoutMs !== undefined && !(options.reconcileTimeoutMs > 0)) {
    throw new Error(`@Controller ${options.name}: reconcileTimeoutMs must be positive`);
  }
  return Object.freeze({
    ...options,
    predicates: options.predicates ?? [],
    owns: options.owns ?? [],
    watches: options.watches ?? [],
    maxConcurrentReconciles: max,
  });
}
