import type { AuditedRequest } from '../support/audit-log.js';

/** A successful write of the leader Lease, as the audit log recorded it (request and response bodies). */
export interface LeaseWrite {
  readonly user: string;
  /** `spec.holderIdentity` after the write; `''` for a release. */
  readonly holder: string;
  readonly leaseDurationMs: number;
  /** The Lease's resourceVersion after the write: etcd's commit order, exact where timestamps may tie. */
  readonly resourceVersion: number;
  readonly receivedAt: number;
  readonly completedAt: number;
  readonly line: string;
}

/**
 * One holder's uninterrupted hold of the lease, on the API server's clock. It starts when the acquiring write was
 * answered and ends at the first of: the last successful renewal + the lease duration it announced (expiry), the
 * holder's own release (its receipt), or another holder's acquisition (its receipt: a takeover before expiry,
 * which only a release or a broken election allows).
 */
export interface LeaseTerm {
  readonly user: string;
  readonly holder: string;
  readonly start: number;
  readonly lastRenew: number;
  readonly end: number;
  readonly endedBy: 'expiry' | 'release' | 'takeover';
  readonly renewals: number;
  /** The lease duration its last write announced. */
  readonly leaseDurationMs: number;
  /** The audit line of the acquiring write. */
  readonly acquireLine: string;
}

interface LeaseBody {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly spec?: { readonly holderIdentity?: string; readonly leaseDurationSeconds?: number };
}

/** The successful writes of the Lease `namespace/name` in `requests`, in commit order. */
export function leaseWrites(
  requests: readonly AuditedRequest[],
  lease: { readonly namespace: string; readonly name: string },
): LeaseWrite[] {
  const writes: LeaseWrite[] = [];
  for (const r of requests) {
    if (r.resource !== 'leases' || r.namespace !== lease.namespace) continue;
    if (r.verb !== 'create' && r.verb !== 'update' && r.verb !== 'patch') continue;
    if (r.code === undefined || r.code >= 300 || r.completedAt === undefined) continue;
    const body = r.responseObject as LeaseBody | undefined;
    // A create's objectRef has no name; the response does.
    if (r.name !== '' && r.name !== lease.name) continue;
    if (
      r.name === '' &&
      (body as { metadata?: { name?: string } } | undefined)?.metadata?.name !== lease.name
    )
      continue;
    writes.push({
      user: r.user,
      holder: body?.spec?.holderIdentity ?? '',
      leaseDurationMs: (body?.spec?.leaseDurationSeconds ?? 0) * 1000,
      resourceVersion: Number(body?.metadata?.resourceVersion ?? Number.NaN),
      receivedAt: r.receivedAt,
      completedAt: r.completedAt,
      line: r.line,
    });
  }
  return writes.sort((a, b) => a.resourceVersion - b.resourceVersion);
}

/**
 * The terms of the lease, from its successful writes in commit order, and what in the record looks wrong (a
 * holder's record written by another user, a release by a non-holder).
 */
export function leaseTerms(writes: readonly LeaseWrite[]): { terms: LeaseTerm[]; anomalies: string[] } {
  type OpenTerm = Omit<LeaseTerm, 'end' | 'endedBy'>;
  const terms: LeaseTerm[] = [];
  const anomalies: string[] = [];
  let open: OpenTerm | undefined;
  const close = (term: OpenTerm, end: number, endedBy: LeaseTerm['endedBy']): void => {
    terms.push({ ...term, end, endedBy });
  };
  for (const w of writes) {
    if (open) {
      const expiry = open.lastRenew + open.leaseDurationMs;
      if (w.holder === open.holder && w.receivedAt <= expiry) {
        if (w.user !== open.user) anomalies.push(`holder ${w.holder} renewed by ${w.user}, not ${open.user}`);
        open = {
          ...open,
          lastRenew: w.completedAt,
          renewals: open.renewals + 1,
          leaseDurationMs: w.leaseDurationMs,
        };
        continue;
      }
      if (w.holder === '') {
        if (w.user !== open.user) anomalies.push(`lease of ${open.user} released by ${w.user}`);
        close(open, Math.min(expiry, w.receivedAt), w.receivedAt <= expiry ? 'release' : 'expiry');
        open = undefined;
        continue;
      }
      // Another holder, or the same one again after its lease expired: the open term is over.
      close(open, Math.min(expiry, w.receivedAt), w.receivedAt < expiry ? 'takeover' : 'expiry');
      open = undefined;
    }
    if (w.holder === '') continue;
    const holder = w.holder;
    const earlier = terms.find((t) => t.holder === holder);
    if (earlier && earlier.user !== w.user)
      anomalies.push(`holder ${holder} first written by ${earlier.user}, now by ${w.user}`);
    open = {
      user: w.user,
      holder,
      start: w.completedAt,
      lastRenew: w.completedAt,
      renewals: 0,
      acquireLine: w.line,
      leaseDurationMs: w.leaseDurationMs,
    };
  }
  if (open) close(open, open.lastRenew + open.leaseDurationMs, 'expiry');
  return { terms, anomalies };
}

/** Where a write falls relative to the terms of the user who sent it. */
export type WriteVerdict = 'inside' | 'in-flight' | 'outside';

/**
 * `inside`: received and answered within one of the sender's terms. `in-flight`: received within a term but answered
 * after it ended (sent while leading; the server was slow). `outside`: received when the sender held no term — the
 * defect leader election exists to prevent. A write never answered (kube-apiserver killed) counts at its receipt.
 */
export function classifyWrite(terms: readonly LeaseTerm[], write: AuditedRequest): WriteVerdict {
  let verdict: WriteVerdict = 'outside';
  for (const t of terms) {
    if (t.user !== write.user || write.receivedAt < t.start || write.receivedAt > t.end) continue;
    if ((write.completedAt ?? write.receivedAt) <= t.end) return 'inside';
    verdict = 'in-flight';
  }
  return verdict;
}
