import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer } from '../../src/cache/informer.js';

/** Records an informer's handler calls as readable lines: `add a`, `add a (initial)`, `update a`, `resync a`, `delete a`. */
export class EventLog {
  readonly lines: string[] = [];

  constructor(informer: Informer<KubernetesObject>) {
    const name = (o: KubernetesObject): string => o.metadata?.name ?? '?';
    informer.addEventHandler({
      onAdd: (o, initial) => this.lines.push(`add ${name(o)}${initial ? ' (initial)' : ''}`),
      onUpdate: (_old, o, resync) => this.lines.push(`${resync ? 'resync' : 'update'} ${name(o)}`),
      onDelete: (o) => this.lines.push(`delete ${name(o)}`),
    });
  }

  has(line: string): boolean {
    return this.lines.includes(line);
  }

  count(prefix: string): number {
    return this.lines.filter((l) => l.startsWith(prefix)).length;
  }

  clear(): void {
    this.lines.length = 0;
  }
}
