import { Deployment, isNotFound, Service, StatefulSet, type KubeClient } from '@spoke/manager';
import { MemcachedKind, proxyName } from '@spoke/memcached-operator';
import type { SeededRandom } from './seeded-random.js';

/**
 * Another client writing to what the operator owns, as a human with kubectl or a rogue controller would: each
 * strike undoes part of the operator's work, which it must notice (through its watches) and restore.
 */
export class ConflictingWriter {
  readonly strikes: { at: number; description: string }[] = [];

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly names: readonly string[],
    private readonly random: SeededRandom,
  ) {}

  /** One conflicting write to one random Memcached's objects; returns what it did. */
  async strike(): Promise<string> {
    const name = this.random.pick(this.names);
    const key = { namespace: this.namespace, name };
    const proxy = { namespace: this.namespace, name: proxyName(name) };
    const actions: [string, () => Promise<unknown>][] = [
      [
        `scale StatefulSet ${name} to 5`,
        () => this.client.patch(StatefulSet, key, { type: 'merge', body: { spec: { replicas: 5 } } }),
      ],
      [
        `scale Deployment ${proxy.name} to 4`,
        () => this.client.patch(Deployment, proxy, { type: 'merge', body: { spec: { replicas: 4 } } }),
      ],
      [`delete Deployment ${proxy.name}`, () => this.client.delete(Deployment, proxy)],
      [
        `point Service ${proxy.name} at the server pods`,
        () =>
          this.client.patch(Service, proxy, {
            type: 'merge',
            body: { spec: { selector: { 'app.kubernetes.io/component': 'server' } } },
          }),
      ],
      [
        `overwrite the status of Memcached ${name}`,
        () =>
          this.client.status.patch(MemcachedKind, key, {
            type: 'merge',
            body: { status: { configMap: 'soak-bogus', readyReplicas: 99 } },
          }),
      ],
    ];
    const [description, act] = this.random.pick(actions);
    try {
      await act();
    } catch (err) {
      // The object may be gone for a moment (a deleted Deployment not yet recreated): nothing to undo then.
      if (!isNotFound(err)) throw err;
    }
    this.strikes.push({ at: Date.now(), description });
    return description;
  }
}
