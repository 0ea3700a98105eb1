/** One sample of the Prometheus text format: `name{labels} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of `text` named `name` (comments and other series skipped). */
export function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = sampleLine.exec(line);
    if (m?.[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(labelPair)) {
      if (key !== undefined && value !== undefined) labels[key] = value.replace(/\\(.)/g, '$1');
    }
    out.push({ name, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples named `name` whose labels pass `where`. */
export function sum(
  text: string,
  name: string,
  where: (labels: Readonly<Record<string, string>>) => boolean = () => true,
): number {
  return samples(text, name)
    .filter((s) => where(s.labels))
    .reduce((total, s) => total + s.value, 0);
}

/** A cumulative histogram bucket: observations ≤ `le`. */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/** The `<name>_bucket` series of a histogram whose labels pass `where`, summed per `le`, in ascending order. */
export function buckets(
  text: string,
  name: string,
  where: (labels: Readonly<Record<string, string>>) => boolean = () => true,
): Bucket[] {
  const byLe = new Map<number, number>();
  for (const s of samples(text, `${name}_bucket`)) {
    if (!where(s.labels) || s.labels.le === undefined) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}

/** `after - before`, bucket by bucket: the observations made in between. */
export function bucketDelta(before: readonly Bucket[], after: readonly Bucket[]): Bucket[] {
  const old = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: b.count - (old.get(b.le) ?? 0) }));
}

/**
 * The q-quantile of a cumulative histogram, as PromQL's `histogram_quantile`: linear interpolation inside the bucket
 * that holds it, the lower bound of the first bucket taken as 0; a quantile in the +Inf bucket is the highest finite
 * bound. Undefined for an empty histogram.
 */
export function histogramQuantile(q: number, cumulative: readonly Bucket[]): number | undefined {
  const total = cumulative.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of cumulative) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerLe;
      const inBucket = b.count - lowerCount;
      return inBucket === 0 ? b.le : lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / inBucket;
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}
