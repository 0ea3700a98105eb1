import { isDeepStrictEqual } from 'node:util';
import { ApiError, isInvalid, type KubeClient } from '@spoke/manager';
import {
  MemcachedKind,
  resolveSpec,
  type Memcached,
  type MemcachedSpec,
  type ResolvedMemcachedSpec,
} from '@spoke/memcached-operator';
import type { SeededRandom } from './seeded-random.js';

/** The spec a Memcached should have: the last one the API accepted from the soak's writer. */
export interface WrittenSpec {
  readonly spec: ResolvedMemcachedSpec;
  readonly generation: number;
  /** When the API answered (ms since the epoch). */
  readonly at: number;
}

/** One change the writer tried, and what became of it. */
export interface SpecChange {
  readonly name: string;
  readonly at: number;
  readonly description: string;
  readonly valid: boolean;
  readonly outcome: 'accepted' | 'rejected' | 'failed';
}

/** A change to a spec, as a merge patch of `spec`, and whether the CRD's schema and CEL rules admit it. */
interface Mutation {
  readonly description: string;
  readonly patch: MemcachedSpec | Record<string, unknown>;
  readonly valid: boolean;
}

/** The valid changes of `spec` the soak makes: servers, proxies, topology (and engine with it, where allowed). */
function validMutations(spec: ResolvedMemcachedSpec, random: SeededRandom): Mutation[] {
  const replicas = random.pick([1, 2, 3, 4].filter((n) => n !== spec.replicas));
  const proxies = random.pick([1, 2, 3].filter((n) => n !== spec.proxy.replicas));
  const mutations: Mutation[] = [
    { description: `replicas ${spec.replicas}→${replicas}`, patch: { replicas }, valid: true },
    {
      description: `proxy.replicas ${spec.proxy.replicas}→${proxies}`,
      patch: { proxy: { replicas: proxies } },
      valid: true,
    },
  ];
  if (spec.topology === 'Sharded') {
    // Replicated needs Mcrouter; the engine may change on the way, since the topology changes too.
    mutations.push({
      description: `Sharded/${spec.proxy.engine}→Replicated/Mcrouter`,
      patch: { topology: 'Replicated', proxy: { engine: 'Mcrouter' } },
      valid: true,
    });
  } else {
    const engine = random.pick(['Mcrouter', 'Twemproxy'] as const);
    mutations.push({
      description: `Replicated→Sharded/${engine}`,
      patch: { topology: 'Sharded', proxy: { engine } },
      valid: true,
    });
  }
  return mutations;
}

/** Changes the API must refuse (422), each for another rule of the schema. */
function invalidMutations(spec: ResolvedMemcachedSpec): Mutation[] {
  const mutations: Mutation[] = [
    { description: 'replicas 101 (maximum 100)', patch: { replicas: 101 }, valid: false },
    { description: 'replicas -1', patch: { replicas: -1 }, valid: false },
    { description: 'proxy.replicas 0', patch: { proxy: { replicas: 0 } }, valid: false },
    { description: 'memoryMB 8 (minimum 16)', patch: { memoryMB: 8 }, valid: false },
    {
      description: 'Replicated with Twemproxy',
      patch: { topology: 'Replicated', proxy: { engine: 'Twemproxy' } },
      valid: false,
    },
    { description: 'topology Ring (no such topology)', patch: { topology: 'Ring' }, valid: false },
  ];
  if (spec.topology === 'Sharded') {
    const other = spec.proxy.engine === 'Mcrouter' ? 'Twemproxy' : 'Mcrouter';
    mutations.push({
      description: `engine ${spec.proxy.engine}→${other} while Sharded (immutable)`,
      patch: { proxy: { engine: other } },
      valid: false,
    });
  }
  return mutations;
}

/** An initial spec for Memcached number `i`: a mix of topologies and engines. */
function initialSpec(i: number): MemcachedSpec {
  const variants: MemcachedSpec[] = [
    { replicas: 2, topology: 'Sharded', proxy: { engine: 'Twemproxy', replicas: 1 } },
    { replicas: 3, topology: 'Sharded', proxy: { engine: 'Mcrouter', replicas: 2 } },
    { replicas: 2, topology: 'Replicated', proxy: { engine: 'Mcrouter', replicas: 1 } },
  ];
  return variants[i % variants.length] ?? {};
}

/**
 * The users of the cluster: creates the soak's Memcacheds, then changes them at random — mostly valid changes, some
 * the API must reject — and remembers the last spec the API accepted for each, which is what the operator must
 * eventually realize (no lost update).
 */
export class SpecChurn {
  private readonly written = new Map<string, WrittenSpec>();
  readonly changes: SpecChange[] = [];
  /** Every spec the API accepted, in order: when each Memcached's desired state changed. */
  readonly history: { readonly name: string; readonly at: number; readonly spec: ResolvedMemcachedSpec }[] =
    [];
  /** Invalid changes the API accepted: a defect of the CRD's validation. */
  readonly invalidAccepted: SpecChange[] = [];
  /** Objects whose last change had an unknown outcome (the connection failed): re-read before they are judged. */
  private readonly uncertain = new Set<string>();

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    readonly names: readonly string[],
    private readonly random: SeededRandom,
    private readonly invalidShare = 0.2,
  ) {}

  async createAll(): Promise<void> {
    await Promise.all(
      this.names.map(async (name, i) => {
        const created = await this.client.create(MemcachedKind, {
          apiVersion: MemcachedKind.apiVersion,
          kind: MemcachedKind.kind,
          metadata: { name, namespace: this.namespace },
          spec: initialSpec(i),
        });
        this.remember(name, created);
      }),
    );
  }

  /** The last spec the API accepted for `name`. */
  lastWritten(name: string): WrittenSpec {
    const written = this.written.get(name);
    if (!written) throw new Error(`no spec written for ${name}`);
    return written;
  }

  /** One random change to one random Memcached; a valid one when `validOnly`. */
  async tick(validOnly = false): Promise<SpecChange> {
    const name = this.random.pick(this.names);
    const { spec } = this.lastWritten(name);
    const invalid = !validOnly && this.random.next() < this.invalidShare;
    const mutation = this.random.pick(invalid ? invalidMutations(spec) : validMutations(spec, this.random));
    const base = { name, description: mutation.description, valid: mutation.valid };
    let change: SpecChange;
    try {
      const updated = await this.client.patch(
        MemcachedKind,
        { namespace: this.namespace, name },
        { type: 'merge', body: { spec: mutation.patch } },
      );
      this.remember(name, updated);
      change = { ...base, at: Date.now(), outcome: 'accepted' };
      if (!mutation.valid) this.invalidAccepted.push(change);
    } catch (err) {
      const rejected = isInvalid(err);
      // A refusal (an ApiError) changed nothing; a connection that failed may or may not have.
      if (!(err instanceof ApiError)) this.uncertain.add(name);
      change = { ...base, at: Date.now(), outcome: rejected ? 'rejected' : 'failed' };
    }
    this.changes.push(change);
    return change;
  }

  /**
   * Settles the specs whose last change had an unknown outcome: reads each and takes what the API holds, which is
   * either the spec before the change or after it — the writer never learned which.
   */
  async resolveUncertain(): Promise<void> {
    for (const name of this.uncertain) {
      const current = await this.client.get(MemcachedKind, { namespace: this.namespace, name });
      if (current) this.remember(name, current);
    }
    this.uncertain.clear();
  }

  private remember(name: string, mc: Memcached): void {
    const written = { spec: resolveSpec(mc.spec), generation: mc.metadata?.generation ?? 0, at: Date.now() };
    this.written.set(name, written);
    this.history.push({ name, at: written.at, spec: written.spec });
  }
}

/** Whether a Memcached as read holds the last spec written (and nobody wrote after it). */
export function holdsWrittenSpec(mc: Memcached, written: WrittenSpec): boolean {
  return (
    isDeepStrictEqual(resolveSpec(mc.spec), written.spec) && mc.metadata?.generation === written.generation
  );
}
