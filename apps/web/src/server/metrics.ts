/**
 * Prometheus metrics for /api/metrics. The cache engine stays framework-free; this file maps its
 * events onto a prom-client registry (one per process, on globalThis like the runtime).
 */
import type { Cache, CacheEvent, CacheStatus, CacheTier } from '@stash/cache';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const KEY = Symbol.for('stash.web.metrics');

const LATENCY_BUCKETS_S = [
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/**
 * Calls by procedure, tier and status as plain numbers, handed to prom-client when scraped: every
 * cached call (a stored hit too) passes here, and prom-client's labelled `inc` (label checks,
 * sorting and hashing the label set) cost more than the rest of an L1 hit's bookkeeping.
 */
class CallCounts {
  private readonly byProcedure = new Map<string, Map<CacheTier, Map<CacheStatus, number>>>();

  add(procedure: string, tier: CacheTier, status: CacheStatus): void {
    let tiers = this.byProcedure.get(procedure);
    if (!tiers) {
      tiers = new Map();
      this.byProcedure.set(procedure, tiers);
    }
    let statuses = tiers.get(tier);
    if (!statuses) {
      statuses = new Map();
      tiers.set(tier, statuses);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }

  *entries(): Generator<[{ procedure: string; tier: CacheTier; status: CacheStatus }, number]> {
    for (const [procedure, tiers] of this.byProcedure) {
      for (const [tier, statuses] of tiers) {
        for (const [status, count] of statuses) yield [{ procedure, tier, status }, count];
      }
    }
  }
}

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const callCounts = new CallCounts();
  return {
    registry,
    callCounts,
    calls: new Counter({
      name: 'stash_cache_calls_total',
      help: 'Cached procedure calls by outcome (hit, miss, stale, error, bypass) and answering tier.',
      labelNames: ['procedure', 'tier', 'status'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, count] of callCounts.entries()) this.inc(labels, count);
      },
    }),
    leaseWaits: new Counter({
      name: 'stash_cache_lease_waits_total',
      help: 'Calls that waited for another process to fill the key (cross-process stampede protection).',
      labelNames: ['procedure'] as const,
      registers: [registry],
    }),
    storeLatency: new Histogram({
      name: 'stash_cache_store_duration_seconds',
      help: 'Latency of cache store operations (read, write, lease, invalidate, ...).',
      labelNames: ['op', 'ok'] as const,
      buckets: LATENCY_BUCKETS_S,
      registers: [registry],
    }),
    loaderLatency: new Histogram({
      name: 'stash_cache_resolver_duration_seconds',
      help: 'Latency of resolver (loader) runs on a cache miss or refresh.',
      labelNames: ['procedure', 'ok'] as const,
      buckets: LATENCY_BUCKETS_S,
      registers: [registry],
    }),
    invalidations: new Counter({
      name: 'stash_cache_invalidations_total',
      help: 'Tag invalidations sent by mutations.',
      labelNames: ['soft', 'ok'] as const,
      registers: [registry],
    }),
    breaker: new Gauge({
      name: 'stash_cache_breaker_state',
      help: 'Circuit breaker in front of Redis: 1 for the current state.',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
  };
}

export type WebMetrics = ReturnType<typeof createMetrics>;

export function getMetrics(): WebMetrics {
  const holder = globalThis as { [KEY]?: WebMetrics };
  holder[KEY] ??= createMetrics();
  return holder[KEY];
}

function record(m: WebMetrics, event: CacheEvent): void {
  switch (event.type) {
    case 'hit':
    case 'miss':
    case 'stale':
    case 'error':
    case 'bypass':
      m.callCounts.add(event.namespace, event.tier, event.type);
      return;
    case 'lease-wait':
      m.leaseWaits.inc({ procedure: event.namespace });
      return;
    case 'loader':
      m.loaderLatency.observe({ procedure: event.namespace, ok: String(event.ok) }, event.durationMs / 1000);
      return;
    case 'store-op':
      m.storeLatency.observe({ op: event.op, ok: String(event.ok) }, event.durationMs / 1000);
      return;
    case 'invalidate':
      m.invalidations.inc({ soft: String(event.soft), ok: String(event.ok) });
      return;
    case 'breaker':
    case 'refresh-error':
      return;
  }
}

/** Feeds the registry from the cache's event stream; returns the unsubscribe function. */
export function attachCacheMetrics(cache: Cache): () => void {
  const m = getMetrics();
  return cache.onEvent((event) => record(m, event));
}

/** The breaker gauge is read at scrape time rather than tracked from events. */
export async function renderMetrics(cache: Cache | null): Promise<{ body: string; contentType: string }> {
  const m = getMetrics();
  if (cache) {
    const current = cache.stats().breaker;
    for (const state of BREAKER_STATES) m.breaker.set({ state }, state === current ? 1 : 0);
  }
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}
