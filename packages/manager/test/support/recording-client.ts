import type { KubernetesObject } from '@kubernetes/client-node';
import {
  Client,
  type ApplyOptions,
  type DeleteOptions,
  type ListOptions,
  type Patch,
  type StatusWriter,
} from '../../src/client/client.js';
import { keyOf, objectKeyString, type ObjectKey } from '../../src/kinds/object-key.js';
import { kindId, type ResourceKind } from '../../src/kinds/resource-kind.js';

/**
 * A Client double for unit tests of code layered on Client (guards, helpers): it records each call and keeps
 * objects in a map. It is not an API server: anything about API behaviour is tested against envtest.
 */
export class RecordingClient extends Client {
  readonly calls: string[] = [];
  readonly objects = new Map<string, KubernetesObject>();
  readonly status: StatusWriter;

  constructor() {
    super();
    this.status = {
      update: (kind, obj) => this.record(`status.update ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj),
      patch: (kind, key) =>
        this.record(`status.patch ${kindId(kind)} ${objectKeyString(key)}`, this.find(kind, key)),
    };
  }

  seed(kind: ResourceKind, obj: KubernetesObject): void {
    this.objects.set(`${kindId(kind)} ${objectKeyString(keyOf(obj))}`, structuredClone(obj));
  }

  get<T extends KubernetesObject>(kind: ResourceKind<T>, key: ObjectKey): Promise<T | undefined> {
    this.calls.push(`get ${kindId(kind)} ${objectKeyString(key)}`);
    const obj = this.objects.get(`${kindId(kind)} ${objectKeyString(key)}`);
    return Promise.resolve(obj ? (structuredClone(obj) as T) : undefined);
  }

  list<T extends KubernetesObject>(kind: ResourceKind<T>, _options?: ListOptions): Promise<T[]> {
    this.calls.push(`list ${kindId(kind)}`);
    return Promise.resolve([]);
  }

  create<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T): Promise<T> {
    this.seed(kind, obj);
    return this.record(`create ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj);
  }

  update<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T): Promise<T> {
    this.seed(kind, obj);
    return this.record(`update ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj);
  }

  patch<T extends KubernetesObject>(kind: ResourceKind<T>, key: ObjectKey, patch: Patch): Promise<T> {
    return this.record(`patch(${patch.type}) ${kindId(kind)} ${objectKeyString(key)}`, this.find(kind, key));
  }

  apply<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, _options: ApplyOptions): Promise<T> {
    return this.record(`apply ${kindId(kind)} ${objectKeyString(keyOf(obj))}`, obj);
  }

  delete<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    _options?: DeleteOptions,
  ): Promise<void> {
    this.calls.push(`delete ${kindId(kind)} ${objectKeyString(key)}`);
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

  private record<T>(call: string, result: T): Promise<T> {
    this.calls.push(call);
    return Promise.resolve(structuredClone(result));
  }
}
