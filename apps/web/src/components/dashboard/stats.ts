import type { CacheStats } from '@stash/cache';
import type { HistorySample } from '~/server/stats-history';

/** /api/cache-stats: `cache.stats()`, the sample time and the counter samples after `?since=`. */
export type StatsSnapshot = Pick<CacheStats, 'perNamespace' | 'breaker' | 'l1'> & {
  at: number;
  loaderLatency: Record<string, { count: number; sumMs: number; maxMs: number }>;
  history: HistorySample[];
};

export type { HistorySample };

/** One chart point: hit rate per namespace, null where there were no calls to compute it from. */
export interface Sample {
  at: number;
  cumulative: Record<string, number | null>;
  interval: Record<string, number | null>;
}

export function toSample(current: HistorySample, previous: HistorySample | undefined): Sample {
  const cumulative: Record<string, number | null> = {};
  const interval: Record<string, number | null> = {};
  for (const [ns, c] of Object.entries(current.calls)) {
    cumulative[ns] = c.counted === 0 ? null : c.served / c.counted;
    // The first sample has no interval before it (its counters may span minutes).
    const before = previous ? (previous.calls[ns] ?? { served: 0, counted: 0 }) : undefined;
    const calls = before ? c.counted - before.counted : 0;
    interval[ns] =
      !before || calls <= 0 ? null : Math.min(1, Math.max(0, (c.served - before.served) / calls));
  }
  return { at: current.at, cumulative, interval };
}

export async function fetchStats(since: number): Promise<StatsSnapshot> {
  const res = await fetch(`/api/cache-stats?since=${since}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`/api/cache-stats answered ${res.status}`);
  return (await res.json()) as StatsSnapshot;
}
