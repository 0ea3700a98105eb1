import type { KubernetesObject } from '@kubernetes/client-node';
import {
  Client,
  type ApplyOptions,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type Patch,
  type StatusWriter,
  type WriteOptions,
} from '../../client/client.js';
import type { ObjectKey } from '../../kinds/object-key.js';
import type { ResourceKind } from '../../kinds/resource-kind.js';

/**
 * A client whose writes fail once `fence()` returns an error: after leadership is lost, a reconcile that ignores its
 * aborted signal still cannot write, so the old and the new leader never write at once from this process.
 * Reads pass through (they are local and harmless).
 */
export class FencedClient extends Client {
  readonly status: StatusWriter;

  constructor(
    private readonly inner: Client,
    private readonly fence: () => Error | undefined,
  ) {
    super();
    this.status = {
      update: async (kind, obj, options) => {
        this.check();
        return this.inner.status.update(kind, obj, options);
      },
      patch: async (kind, key, patch, options) => {
        this.check();
        return this.inner.status.patch(kind, key, patch, options);
      },
    };
  }

  get<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: GetOptions,
  ): Promise<T | undefined> {
    return this.inner.get(kind, key, options);
  }

  list<T extends KubernetesObject>(kind: ResourceKind<T>, options?: ListOptions): Promise<T[]> {
    return this.inner.list(kind, options);
  }

  async create<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options?: WriteOptions,
  ): Promise<T> {
    this.check();
    return this.inner.create(kind, obj, options);
  }

  async update<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options?: WriteOptions,
  ): Promise<T> {
    this.check();
    return this.inner.update(kind, obj, options);
  }

  async patch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<T> {
    this.check();
    return this.inner.patch(kind, key, patch, options);
  }

  async apply<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options: ApplyOptions): Promise<T> {
    this.check();
    return this.inner.apply(kind, obj, options);
  }

  async delete<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: DeleteOptions,
  ): Promise<void> {
    this.check();
    return this.inner.delete(kind, key, options);
  }

  private check(): void {
    const err = this.fence();
    if (err) throw err;
  }
}
