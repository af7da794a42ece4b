/**
 * A rolling, server-side history of per-procedure cache counters (one sample every 2 s, five
 * minutes kept), so the dashboard draws the recent past as soon as it opens instead of starting
 * from an empty chart. Counters only: rates are computed by the client.
 */
import type { Cache } from '@stash/cache';

export const SAMPLE_EVERY_MS = 2_000;
const KEEP = 150;

/** served = hits + stale; counted = served + misses + errors (bypass calls do not count). */
export interface HistorySample {
  at: number;
  calls: Record<string, { served: number; counted: number }>;
}

const samples: HistorySample[] = [];

function take(cache: Cache): HistorySample {
  const calls: HistorySample['calls'] = {};
  for (const [ns, s] of Object.entries(cache.stats().perNamespace)) {
    calls[ns] = { served: s.hits + s.stale, counted: s.hits + s.stale + s.misses + s.errors };
  }
  return { at: Date.now(), calls };
}

/** Starts sampling (once per process; the timer never keeps the process alive). */
export function startStatsHistory(cache: Cache): void {
  const record = () => {
    samples.push(take(cache));
    if (samples.length > KEEP) samples.splice(0, samples.length - KEEP);
  };
  record();
  setInterval(record, SAMPLE_EVERY_MS).unref();
}

export function historySince(since: number): HistorySample[] {
  return samples.filter((s) => s.at > since);
}
