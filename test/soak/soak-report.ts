import type { AuditedRequest } from '../support/audit-log.js';
import type { LeaseTerm } from './lease-terms.js';
import type { FaultKind, FaultRecord, SoakResult } from './run-soak.js';

/** A manager process may not grow past this (RSS): a leak shows long before, a healthy one stays far below. */
export const rssBoundBytes = 400 * 1024 * 1024;

/** The value at quantile `q` (nearest rank) of `values`; undefined for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const total = (byVerb: Readonly<Record<string, number>> | undefined): number =>
  Object.values(byVerb ?? {}).reduce((a, b) => a + b, 0);

function describeWrite(r: AuditedRequest, terms: readonly LeaseTerm[]): string {
  const own = terms
    .filter((t) => t.user === r.user)
    .map((t) => `[${iso(t.start)} .. ${iso(t.end)} ${t.endedBy}]`)
    .join(' ');
  return (
    `${r.user} ${r.verb} ${r.resource} ${r.namespace}/${r.name} received ${iso(r.receivedAt)} ` +
    `answered ${r.completedAt === undefined ? 'never' : iso(r.completedAt)} code ${r.code ?? '-'}; ` +
    `terms of ${r.user}: ${own || 'none'}\n    ${r.line}`
  );
}

/** What the fault must have done, seen in the record (a fault that changed nothing would prove nothing). */
function faultEffect(f: FaultRecord): string | undefined {
  const requests = f.requests ?? {};
  switch (f.kind) {
    case 'leader-sigkill':
    case 'leader-sigterm':
    case 'leader-sigstop':
      return f.leaderAfter !== undefined && f.leaderAfter !== f.leaderBefore
        ? undefined
        : `no other replica took the lease (leader before ${f.leaderBefore ?? '-'}, after ${f.leaderAfter ?? '-'})`;
    case 'apiserver-sigkill':
      return (requests.watch ?? 0) > 0 ? undefined : 'the managers opened no watch after the restart';
    case 'etcd-compaction':
      // Every informer resumed from a compacted revision: 410 Gone, then a relist.
      return (requests.list ?? 0) > 0 ? undefined : 'no relist (LIST) after the compaction';
    case 'conflicting-writes':
      return undefined;
  }
}

/** Every invariant the soak checks that did not hold, one line each (with the audit lines that show it). */
export function soakViolations(result: SoakResult): string[] {
  const v: string[] = [];
  for (const w of result.writes.outside)
    v.push(`write outside a lease term: ${describeWrite(w, result.terms)}`);
  for (const a of result.termAnomalies) v.push(`lease record: ${a}`);
  for (const f of result.faults) {
    if (f.convergenceMs === undefined)
      v.push(
        `round ${f.round} (${f.kind}): not converged within the bound:\n    ${f.problems.join('\n    ')}`,
      );
    const effect = faultEffect(f);
    if (effect) v.push(`round ${f.round} (${f.kind}): ${effect}`);
  }
  for (const [name, problems] of Object.entries(result.finalProblems))
    v.push(`after the last fault ${name}: ${problems.join('; ')}`);
  for (const c of result.invalidAccepted)
    v.push(`the API accepted an invalid spec: ${c.name} ${c.description}`);
  for (const i of result.configMaps.excess)
    v.push(
      `${i.name}: ${i.matching.length} ConfigMaps created for one settled backend set ` +
        `(${iso(i.start)} .. ${iso(i.end)}, ${i.state}): ${i.matching.map((c) => `${c.name} at ${iso(c.at)}`).join(', ')}`,
    );
  for (const r of result.replicas) {
    if (r.cause === 'crash')
      v.push(
        `${r.user} died unprovoked (exit ${r.exitCode ?? '-'}, signal ${r.exitSignal ?? '-'}); log ${r.logPath}`,
      );
    if (r.cause === 'stopped' && r.exitCode !== 0 && r.exitCode !== undefined)
      v.push(`${r.user} exited ${r.exitCode ?? '-'} after SIGTERM; log ${r.logPath}`);
    if (r.peakRssBytes > rssBoundBytes)
      v.push(`${r.user} grew to ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB RSS`);
    for (const s of r.foreignSockets)
      v.push(`${r.user} had a TCP connection off loopback: ${s.local} → ${s.remote}`);
  }
  if (result.socketSamples === 0) v.push('the replicas’ sockets were never sampled');
  return v;
}

function faultTable(faults: readonly FaultRecord[]): string[] {
  const kinds = [...new Set(faults.map((f) => f.kind))] as FaultKind[];
  const rows = kinds.map((kind) => {
    const of = faults.filter((f) => f.kind === kind);
    const ms = of.flatMap((f) => (f.convergenceMs === undefined ? [] : [f.convergenceMs]));
    const requests = of.map((f) => total(f.requests));
    const fmt = (n: number | undefined) => (n === undefined ? '-' : (n / 1000).toFixed(1));
    return `| ${kind} | ${of.length} | ${fmt(quantile(ms, 0.5))} | ${fmt(Math.max(...ms))} | ${quantile(requests, 0.5) ?? '-'} | ${Math.max(...requests)} |`;
  });
  return [
    '| fault | injected | convergence p50 (s) | convergence max (s) | manager requests p50 | max |',
    '|---|---|---|---|---|---|',
    ...rows,
  ];
}

/** The soak's figures as Markdown: what docs/reliability.md quotes. */
export function renderReport(result: SoakResult): string {
  const o = result.options;
  const minutes = ((result.endedAt - result.startedAt) / 60_000).toFixed(1);
  const changes = result.changes;
  const count = (pred: (c: (typeof changes)[number]) => boolean) => changes.filter(pred).length;
  const causes = new Map<string, number>();
  for (const r of result.replicas)
    causes.set(r.cause ?? 'running', (causes.get(r.cause ?? 'running') ?? 0) + 1);
  const peak = Math.max(...result.replicas.map((r) => r.peakRssBytes));
  // A lease loss is expected while its leader is frozen or the API server is down; say how many came otherwise.
  const leaseLost = result.replicas.filter((r) => r.cause === 'lease-lost');
  const unprovoked = leaseLost.filter(
    (r) =>
      !result.faults.some(
        (f) =>
          (f.kind === 'leader-sigstop' || f.kind === 'apiserver-sigkill') &&
          (r.exitedAt ?? 0) >= f.startedAt &&
          (r.exitedAt ?? 0) <= (f.convergedAt ?? f.endedAt) + o.lease.durationMs,
      ),
  );
  const longest = [...result.replicas].sort((a, b) => (b.rss.at(-1)?.[0] ?? 0) - (a.rss.at(-1)?.[0] ?? 0))[0];
  const endedBy = (by: LeaseTerm['endedBy']) => result.terms.filter((t) => t.endedBy === by).length;
  const inFlight = result.writes.inFlight;
  return [
    `Soak of ${iso(result.startedAt)}: ${minutes} min in all (set-up ${(result.setupMs / 1000).toFixed(0)} s), ` +
      `seed ${o.seed}, ${o.memcacheds} Memcacheds, ${o.replicas} manager replicas, lease ` +
      `${o.lease.durationMs / 1000} s / renew deadline ${o.lease.renewDeadlineMs / 1000} s / retry ` +
      `${o.lease.retryPeriodMs / 1000} s, a change every ${o.changeIntervalMs / 1000} s for ${o.churnMs / 1000} s ` +
      `before each fault, convergence bound ${o.convergenceBoundMs / 1000} s.`,
    '',
    ...faultTable(result.faults),
    '',
    `Convergence: from the fault's start until every Memcached is converged (read from the cluster). Requests: every ` +
      `request of every manager process in that time (reads included), from the audit log.`,
    '',
    `- Writes by managers: ${result.writes.inside} inside a lease term, ${inFlight.length} in flight when their ` +
      `term ended${inFlight.length > 0 ? ` (${[...new Set(inFlight.map((w) => w.resource))].join(', ')})` : ''}, ` +
      `**${result.writes.outside.length} outside a term**.`,
    `- Lease terms: ${result.terms.length} (${endedBy('expiry')} ended by expiry, ${endedBy('release')} by release, ` +
      `${endedBy('takeover')} by takeover); record anomalies: ${result.termAnomalies.length}.`,
    `- Spec changes: ${count((c) => c.valid && c.outcome === 'accepted')} valid accepted, ` +
      `${count((c) => !c.valid && c.outcome === 'rejected')} invalid rejected, ${result.invalidAccepted.length} ` +
      `invalid accepted, ${count((c) => c.outcome === 'failed')} failed; conflicting writes: ${result.strikes.length}.`,
    `- ConfigMaps created by the managers: ${Object.values(result.configMaps.createdBy).reduce((a, b) => a + b, 0)}; ` +
      `settled backend sets (unchanged ≥ 15 s): ${result.configMaps.settled.length}, with more than one ` +
      `ConfigMap created: ${result.configMaps.excess.length}; ConfigMaps for a set that never settled: ` +
      `${result.configMaps.transitional.length}.`,
    `- Manager processes: ${result.replicas.length}; ended by ${[...causes].map(([c, n]) => `${c} ${n}`).join(', ')}. ` +
      `Lease losses outside a pause or an API server outage: ${unprovoked.length} of ${leaseLost.length}` +
      (unprovoked.length > 0 ? ` (${unprovoked.map((r) => r.user).join(', ')})` : '') +
      `. Peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (bound ${rssBoundBytes / 2 ** 20} MiB)` +
      (longest
        ? `; the longest-lived (${longest.user}, ${((longest.rss.at(-1)?.[0] ?? 0) / 60_000).toFixed(1)} min) ` +
          `peaked at ${(longest.peakRssBytes / 2 ** 20).toFixed(0)} MiB.`
        : '.'),
    `- Loopback: ${result.socketSamples} samples of every manager's TCP sockets, ` +
      `${result.replicas.reduce((n, r) => n + r.foreignSockets.length, 0)} with a peer off loopback.`,
    `- Audit log: ${result.auditRequests} requests, ${(result.auditBytes / 2 ** 20).toFixed(1)} MiB, ` +
      `${result.auditMalformedLines} torn lines.`,
    '',
    '| round | fault | detail | convergence (s) | requests |',
    '|---|---|---|---|---|',
    ...result.faults.map(
      (f) =>
        `| ${f.round} | ${f.kind} | ${f.detail.replaceAll('|', '/')} | ` +
        `${f.convergenceMs === undefined ? 'not converged' : (f.convergenceMs / 1000).toFixed(1)} | ` +
        `${Object.entries(f.requests ?? {})
          .map(([verb, n]) => `${verb} ${n}`)
          .join(', ')} |`,
    ),
    '',
  ].join('\n');
}
