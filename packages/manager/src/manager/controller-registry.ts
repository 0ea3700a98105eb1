import type { KubeConfigLike } from '../kubeconfig/index.js';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Logger } from 'winston';
import type { Cache } from '../cache/cache.js';
import { Client } from '../client/client.js';
import { FencedClient } from '../client/guard/fenced-client.js';
import { newSingleWriterClient } from '../client/guard/single-writer-client.js';
import { getControllerMetadata, type ReconcilerClass } from '../controller/controller-decorator.js';
import { ControllerLoop } from '../controller/controller-loop.js';
import { resolveWriteTarget, type ControllerMetadata } from '../controller/controller-options.js';
import { errorMessage } from '../internal/errors/error-message.js';
import { kindId, type ResourceKind } from '../kinds/resource-kind.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import { ApiEventRecorder } from '../recorder/api-event-recorder.js';
import { EventRecorder } from '../recorder/event-recorder.js';

/** What a {@link ControllerRegistry} builds each controller from. */
export interface ControllerRegistryOptions {
  /** The manager's name: events' reportingController is `<manager>/<controller>`. */
  readonly managerName: string;
  /** Events' reportingInstance: the leader-election identity, or the host name. */
  readonly reportingInstance: string;
  readonly kubeConfig: KubeConfigLike;
  readonly cache: Cache;
  /** The manager's unguarded client; each controller gets it fenced and guarded to its write target. */
  readonly client: Client;
  /** Each controller resolves in a child of this container. */
  readonly container: DependencyContainer;
  readonly logger: Logger;
  /** The error every controller's writes fail with once set (lease lost, shutdown past drain). */
  readonly fence: () => Error | undefined;
  /**
   * Aborted when the fence is set: every controller's writes in flight are aborted with its reason, and its event
   * recorder posts nothing more.
   */
  readonly fenceSignal?: AbortSignal;
}

/** One registered controller: its declaration, its worker loop and its event recorder. */
interface Registered {
  readonly metadata: ControllerMetadata;
  readonly loop: ControllerLoop;
  readonly recorder: ApiEventRecorder;
}

/**
 * The manager's controllers, and the single-writer rule across them: each write target (a kind, or a kind's status
 * subresource) has at most one controller. Registering one resolves the class in its own child container, where
 * `Client` is the fenced, single-writer-guarded client and `EventRecorder` a recorder named after the controller.
 */
export class ControllerRegistry {
  readonly #options: ControllerRegistryOptions;
  readonly #registered: Registered[] = [];
  /** Write target (`kindId`, plus ` status`) → the controller that writes it. */
  readonly #writers = new Map<string, string>();
  #started = false;

  constructor(options: ControllerRegistryOptions) {
    this.#options = options;
  }

  /** The declarations of the registered controllers, in registration order. */
  get metadata(): readonly ControllerMetadata[] {
    return this.#registered.map((c) => c.metadata);
  }

  /**
   * Adds one `@Controller` class. Throws, registering nothing, when the class is not a controller, its name is
   * taken, or another controller already writes its target.
   */
  register(cls: ReconcilerClass): void {
    const metadata = getControllerMetadata(cls);
    if (!metadata) throw new Error(`${cls.name} is not a controller: decorate it with @Controller({...})`);
    if (this.#registered.some((c) => c.metadata.name === metadata.name)) {
      throw new Error(`a controller named ${metadata.name} is already registered`);
    }
    const target = metadata.writes && resolveWriteTarget(metadata.writes);
    const targetKey = target && `${kindId(target.kind)}${target.status ? ' status' : ''}`;
    const writer = targetKey === undefined ? undefined : this.#writers.get(targetKey);
    if (targetKey !== undefined && writer !== undefined) {
      throw new Error(
        `controller ${metadata.name} declares that it writes ${targetKey}, which controller ${writer} already ` +
          `writes: each kind (and each kind's status) has one writer, so that no two controllers fight over an ` +
          `object; let one of them write it and the other read it`,
      );
    }

    const { container, client, cache, logger } = this.#options;
    const child = container.createChildContainer();
    const guarded = newSingleWriterClient(
      new FencedClient(client, this.#options.fence, this.#options.fenceSignal),
      {
        controller: metadata.name,
        writes: target,
        for: metadata.for,
      },
    );
    const recorder = new ApiEventRecorder({
      kubeConfig: this.#options.kubeConfig,
      reportingController: `${this.#options.managerName}/${metadata.name}`,
      reportingInstance: this.#options.reportingInstance,
      logger,
      ...(this.#options.fenceSignal ? { fence: this.#options.fenceSignal } : {}),
    });
    // Abstract classes are tokens by identity; tsyringe's types only admit concrete constructors.
    child.registerInstance(Client as unknown as InjectionToken<Client>, guarded);
    child.registerInstance(EventRecorder as unknown as InjectionToken<EventRecorder>, recorder);
    const reconciler = child.resolve(cls as unknown as new (...args: unknown[]) => Reconciler);
    const loop = new ControllerLoop({ metadata, reconciler, cache, logger });
    this.#registered.push({ metadata, loop, recorder });
    if (targetKey !== undefined) this.#writers.set(targetKey, metadata.name);
    logger.info('registered controller', {
      controller: metadata.name,
      for: kindName(metadata.for),
      ...(targetKey === undefined ? {} : { writes: targetKey }),
    });
  }

  /**
   * Starts every controller's workers; resolves once all run. Throws at once when called a second time (a
   * controller starts once per process), and rejects, naming the controller, when one fails to start: the manager
   * then stops, since a process running only some of its controllers would look healthy while doing half its job.
   */
  start(): Promise<void> {
    if (this.#started) throw new Error('the controllers were already started: they start once per process');
    this.#started = true;
    return Promise.all(
      this.#registered.map((c) =>
        c.loop.start().catch((err: unknown) => {
          throw new Error(`controller ${c.metadata.name} failed to start: ${errorMessage(err)}`, {
            cause: err,
          });
        }),
      ),
    ).then(() => undefined);
  }

  /**
   * Stops every controller: `drain` stops intake and waits for in-flight reconciles; `abort` also aborts their
   * signals (with `reason`).
   */
  async stop(mode: 'drain' | 'abort', reason?: Error): Promise<void> {
    await Promise.all(this.#registered.map((c) => c.loop.stop(mode, reason)));
  }

  /** Sends the events the recorders still hold. */
  async flushEvents(): Promise<void> {
    await Promise.all(this.#registered.map((c) => c.recorder.flush()));
  }
}

function kindName(kind: ResourceKind): string {
  return `${kind.apiVersion} ${kind.kind}`;
}
