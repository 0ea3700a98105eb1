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
} from '../client.js';
import type { ObjectKey } from '../../kinds/object-key.js';
import type { ResourceKind } from '../../kinds/resource-kind.js';

/**
 * A write about to be sent, as {@link WriteCheckingClient.admitWrite} sees it. `status` is true for writes to the
 * status subresource (only `update` and `patch` have one).
 */
export type ClientWrite =
  | {
      readonly verb: 'create' | 'apply';
      readonly kind: ResourceKind;
      readonly object: KubernetesObject;
      readonly status: false;
    }
  | {
      readonly verb: 'update';
      readonly kind: ResourceKind;
      readonly object: KubernetesObject;
      readonly status: boolean;
    }
  | {
      readonly verb: 'patch';
      readonly kind: ResourceKind;
      readonly key: ObjectKey;
      readonly patch: Patch;
      readonly status: boolean;
    }
  | { readonly verb: 'delete'; readonly kind: ResourceKind; readonly key: ObjectKey; readonly status: false };

/**
 * A client that checks each write before delegating it to `inner`: the base of the guards the manager wraps around
 * a controller's client. Reads pass through unchecked. A write `admitWrite` rejects is never sent.
 */
export abstract class WriteCheckingClient extends Client {
  readonly status: StatusWriter;

  constructor(protected readonly inner: Client) {
    super();
    this.status = {
      update: async (kind, object, options) => {
        await this.admitWrite({ verb: 'update', kind, object, status: true });
        return this.inner.status.update(kind, object, this.writeOptions(options));
      },
      patch: async (kind, key, patch, options) => {
        await this.admitWrite({ verb: 'patch', kind, key, patch, status: true });
        return this.inner.status.patch(kind, key, patch, this.writeOptions(options));
      },
    };
  }

  /** Resolves if `write` may be sent; rejects with the reason it may not. Runs before any request of the write. */
  protected abstract admitWrite(write: ClientWrite): Promise<void>;

  /** The options a write admitted by {@link admitWrite} is sent with; by default the caller's. */
  protected writeOptions<O extends RequestOptions>(options: O): O;
  protected writeOptions<O extends RequestOptions>(options: O | undefined): O | undefined;
  protected writeOptions<O extends RequestOptions>(options: O | undefined): O | undefined {
    return options;
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
    await this.admitWrite({ verb: 'create', kind, object: obj, status: false });
    return this.inner.create(kind, obj, this.writeOptions(options));
  }

  async update<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    obj: T,
    options?: WriteOptions,
  ): Promise<T> {
    await this.admitWrite({ verb: 'update', kind, object: obj, status: false });
    return this.inner.update(kind, obj, this.writeOptions(options));
  }

  async patch<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    patch: Patch,
    options?: WriteOptions,
  ): Promise<T> {
    await this.admitWrite({ verb: 'patch', kind, key, patch, status: false });
    return this.inner.patch(kind, key, patch, this.writeOptions(options));
  }

  async apply<T extends KubernetesObject>(kind: ResourceKind<T>, obj: T, options: ApplyOptions): Promise<T> {
    await this.admitWrite({ verb: 'apply', kind, object: obj, status: false });
    return this.inner.apply(kind, obj, this.writeOptions(options));
  }

  async delete<T extends KubernetesObject>(
    kind: ResourceKind<T>,
    key: ObjectKey,
    options?: DeleteOptions,
  ): Promise<void> {
    await this.admitWrite({ verb: 'delete', kind, key, status: false });
    return this.inner.delete(kind, key, this.writeOptions(options));
  }
}
