import type { KubernetesObject } from '@kubernetes/client-node';
import {
  Client,
  type ApplyOptions,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type Patch,
  type RequestOptions,
  type StatusWriter,
  type WriteOptions,
} from '../../src/client/client.js';
import { keyOf, objectKeyString, type ObjectKey } from '../../src/kinds/object-key.js';
import { kindId, type ResourceKind } from '../../src/kinds/resource-kind.js';

/**
 * A Client double for unit tests of code layered on Client (guards, helpers): it records each call and keeps
 * objects in a map. It is not an API server: anything about API behaviour is tested against envtest.
 */
export class RecordingClient extends Client {
  readonly calls: string[] = [];
  /** The signal each call carried, in call order (undefined when none). */
  readonly signals: (AbortSignal | undefined)[] = [];
  readonly objects = new Map<string, KubernetesObject>();
  readonly status: StatusWriter;

  constructor() {
    super();
    this.status = {
      update: (kind, obj, options) =>
        this.record(`status.update ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj, options),
      patch: (kind, key, _patch, options) =>
        this.record(`status.patch ${kindId(kind)} ${objectKeyString(key)}`, this.find(kind, key), options),
    };
  }

  seed(kind: ResourceKind, obj: KubernetesObject): void {
    this.objects.set(`${kindId(kind)} ${objectKeyString(keyOf(obj))}`, structuredClone(obj));
  }

  get<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: GetOptions,
  ): Promise<T | undefined> {
    this.calls.push(`get ${kindId(kind)} ${objectKeyString(key)}`);
    this.signals.push(options?.signal);
    const obj = this.objects.get(`${kindId(kind)} ${objectKeyString(key)}`);
    return Promise.resolve(obj ? (structuredClone(obj) as T) : undefined);
  }

  list<T extends KubernetesObject>(kind: ResourceKind<T>, options?: ListOptions): Promise<T[]> {
    this.calls.push(`list ${kindId(kind)}`);
    this.signals.push(options?.signal);
    return Promise.resolve([]);
  }

  create<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options?: WriteOptions): Promise<T> {
    this.seed(kind, obj);
    return this.record(`create ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj, options);
  }

  update<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options?: WriteOptions): Promise<T> {
    this.seed(kind, obj);
    return this.record(`update ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj, options);
  }

  patch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<T> {
    return this.record(
      `patch(${patch.type}) ${kindId(kind)} ${objectKeyString(key)}`,
      this.find(kind, key),
      options,
    );
  }

  apply<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options: ApplyOptions): Promise<T> {
    return this.record(`apply ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj, options);
  }

  delete<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: DeleteOptions,
  ): Promise<void> {
    this.calls.push(`delete ${kindId(kind)} ${objectKeyString(key)}`);
    this.signals.push(options?.signal);
    return Promise.resolve();
  }

  /** Calls other than reads. */
  writes(): string[] {
    return this.calls.filter((c) => !c.startsWith('get ') && !c.startsWith('list '));
  }

  private find<T extends KubernetesObject>(kind: ResourceKind<T>, key: ObjectKey): T {
    const found = this.objects.get(`${kindId(kind)} ${objectKeyString(key)}`);
    if (!found) throw new Error(`RecordingClient: no ${kindId(kind)} ${objectKeyString(key)}`);
    return found as T;
  }

  private record<T>(call: string, result: T, options: RequestOptions | undefined): Promise<T> {
    this.calls.push(call);
    this.signals.push(options?.signal);
    return Promise.resolve(structuredClone(result));
  }
}
