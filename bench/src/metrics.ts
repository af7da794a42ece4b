/**
 * Resolver (loader) runs per procedure, read from each instance's /api/metrics (prom-client
 * text). The count of the resolver-duration histogram is the number of loader runs; a
 * `stash_cache_loader_runs_total` counter is preferred when the server exports one.
 */
import { assertLoopback } from '@stash/harness';

const COUNTERS = ['stash_cache_loader_runs_total', 'stash_cache_resolver_duration_seconds_count'];

/** procedure -> runs, summed over the other labels (ok=true/false, tier, ...). */
export function parseLoaderRuns(text: string): Map<string, number> {
  const byMetric = new Map<string, Map<string, number>>();
  for (const line of text.split('\n')) {
    const m = line.match(/^(\w+)\{([^}]*)\}\s+([\d.eE+-]+)$/);
    if (!m || !COUNTERS.includes(m[1] ?? '')) continue;
    const procedure = m[2]?.match(/procedure="([^"]+)"/)?.[1];
    if (!procedure) continue;
    const runs = byMetric.get(m[1] ?? '') ?? new Map<string, number>();
    runs.set(procedure, (runs.get(procedure) ?? 0) + Number(m[3]));
    byMetric.set(m[1] ?? '', runs);
  }
  for (const name of COUNTERS) {
    const runs = byMetric.get(name);
    if (runs) return runs;
  }
  return new Map();
}

/** Sends the token the servers were started with (STASH_METRICS_TOKEN): the route may require it. */
export async function loaderRuns(url: string, token: string): Promise<Map<string, number>> {
  assertLoopback(url);
  const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${url}/api/metrics answered ${res.status}`);
  return parseLoaderRuns(await res.text());
}

/** Loader runs summed over several instances. */
export async function totalLoaderRuns(urls: string[], token: string): Promise<Map<string, number>> {
  const total = new Map<string, number>();
  for (const runs of await Promise.all(urls.map((u) => loaderRuns(u, token)))) {
    for (const [p, n] of runs) total.set(p, (total.get(p) ?? 0) + n);
  }
  return total;
}

export function difference(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([p, n]) => [p, n - (before.get(p) ?? 0)]));
}
