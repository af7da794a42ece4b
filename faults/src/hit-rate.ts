/**
 * Did the cache come back after the fault? Right answers served slowly from PostgreSQL forever
 * (a breaker that never closes, an instance that never reconnects) break no read-your-writes
 * rule, so the oracle cannot see them: the share of reads the cache answered can.
 */

/** What the hit-rate check needs of a recorded request. */
export interface CacheSample {
  procedure: string;
  t0: number;
  /** x-stash-cache, e.g. `marketplace.agent=hit`; null when the response had none. */
  cache: string | null;
}

/**
 * Recovered once the share of cached answers in a span is back to half the share before the
 * fault, and at least a quarter: windows start from an empty Redis, so the 2 s before a short
 * window's fault are mostly cold misses (0 to 25 % measured), and half of that would pass a cache
 * that never serves again. A warm cache answers 70 to 90 % of reads here.
 */
export const RECOVERED_FRACTION = 0.5;
export const RECOVERED_FLOOR = 0.25;
/** The hit share is judged per span of this many ms of sent reads... */
export const SPAN_MS = 1_000;
/** ...and a span with fewer reads than this says nothing. */
export const MIN_SPAN_READS = 5;

const isRead = (s: CacheSample) => s.cache !== null && !s.procedure.startsWith('installs.');
const fromCache = (s: CacheSample) => /=(hit|stale)/.test(s.cache ?? '');

/** The share of reads answered from the cache (hit or stale); null without reads. */
export function hitShare(samples: readonly CacheSample[]): number | null {
  const reads = samples.filter(isRead);
  if (reads.length === 0) return null;
  return reads.filter(fromCache).length / reads.length;
}

/** The hit share of each SPAN_MS span of reads sent from `from` to `end`; null for a span with too few reads. */
export function spanShares(samples: readonly CacheSample[], from: number, end: number): (number | null)[] {
  const shares: (number | null)[] = [];
  for (let start = from; start < end; start += SPAN_MS) {
    const span = samples.filter((s) => isRead(s) && s.t0 >= start && s.t0 < Math.min(start + SPAN_MS, end));
    shares.push(span.length < MIN_SPAN_READS ? null : span.filter(fromCache).length / span.length);
  }
  return shares;
}

/**
 * ms from the fault's end to the end of the first span whose hit share was back (see
 * RECOVERED_FRACTION), given the share `before` the fault; null when none was before `end`.
 */
export function hitRateRecoveryMs(
  samples: readonly CacheSample[],
  before: number,
  faultEnd: number,
  end: number,
): number | null {
  const target = Math.max(before * RECOVERED_FRACTION, RECOVERED_FLOOR);
  const index = spanShares(samples, faultEnd, end).findIndex((share) => share !== null && share >= target);
  return index < 0 ? null : (index + 1) * SPAN_MS;
}
