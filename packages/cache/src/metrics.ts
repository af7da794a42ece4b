/**
 * Counters, latency histograms and an event hook. Deliberately free of prom-client: the web app
 * maps `stats()` / `onEvent` onto its own registry. Histogram buckets are cumulative
 * (Prometheus style) so they can be copied over as they are.
 */
import type {
  BreakerState,
  CacheEvent,
  CacheStats,
  CacheStatus,
  CacheTier,
  LatencyHistogram,
  NamespaceStats,
  StoreOp,
} from './types';

const BOUNDS_MS = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, Number.POSITIVE_INFINITY];

class Histogram {
  count = 0;
  sumMs = 0;
  maxMs = 0;
  private readonly counts = new Array<number>(BOUNDS_MS.length).fill(0);

  observe(ms: number): void {
    this.count++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    let index = 0;
    while (ms > (BOUNDS_MS[index] ?? Number.POSITIVE_INFINITY)) index++;
    this.counts[index] = (this.counts[index] ?? 0) + 1;
  }

  snapshot(): LatencyHistogram {
    let cumulative = 0;
    const buckets = BOUNDS_MS.map((le, i) => {
      cumulative += this.counts[i] ?? 0;
      return { le, count: cumulative };
    });
    return { count: this.count, sumMs: this.sumMs, maxMs: this.maxMs, buckets };
  }
}

type Counters = Omit<NamespaceStats, 'hitRate'>;

function emptyCounters(): Counters {
  return {
    hits: 0,
    misses: 0,
    stale: 0,
    errors: 0,
    bypass: 0,
    leaseWaits: 0,
    l1Hits: 0,
    l2Hits: 0,
    loaderRuns: 0,
  };
}

const STATUS_FIELD: Record<CacheStatus, keyof Counters> = {
  hit: 'hits',
  miss: 'misses',
  stale: 'stale',
  bypass: 'bypass',
  error: 'errors',
};

export class Metrics {
  private readonly namespaces = new Map<string, Counters>();
  /** Calls answered with status 'error' per namespace (errors also counts failed operations). */
  private readonly errorCalls = new Map<string, number>();
  private readonly storeLatency = new Map<StoreOp, Histogram>();
  private readonly loaderLatency = new Map<string, Histogram>();
  private readonly listeners = new Set<(event: CacheEvent) => void>();

  private counters(namespace: string): Counters {
    let counters = this.namespaces.get(namespace);
    if (!counters) {
      counters = emptyCounters();
      this.namespaces.set(namespace, counters);
    }
    return counters;
  }

  /** One call answered: counted once per caller, whatever tier answered. */
  recordCall(namespace: string, key: string, status: CacheStatus, tier: CacheTier): void {
    const counters = this.counters(namespace);
    counters[STATUS_FIELD[status]]++;
    if (status === 'error') this.errorCalls.set(namespace, (this.errorCalls.get(namespace) ?? 0) + 1);
    if (status === 'hit' || status === 'stale') {
      if (tier === 'l1') counters.l1Hits++;
      if (tier === 'l2') counters.l2Hits++;
    }
    // Every call passes here: build the event only when someone listens.
    if (this.listeners.size > 0) this.emit({ type: status, namespace, key, tier });
  }

  /** A failed cache operation that did not change the call's status (e.g. a failed write). */
  recordOperationError(namespace: string): void {
    this.counters(namespace).errors++;
  }

  recordLeaseWait(namespace: string, key: string): void {
    this.counters(namespace).leaseWaits++;
    if (this.listeners.size > 0) this.emit({ type: 'lease-wait', namespace, key });
  }

  recordLoader(namespace: string, key: string, durationMs: number, ok: boolean): void {
    this.counters(namespace).loaderRuns++;
    let histogram = this.loaderLatency.get(namespace);
    if (!histogram) {
      histogram = new Histogram();
      this.loaderLatency.set(namespace, histogram);
    }
    histogram.observe(durationMs);
    if (this.listeners.size > 0) this.emit({ type: 'loader', namespace, key, durationMs, ok });
  }

  recordStoreOp(op: StoreOp, durationMs: number, ok: boolean): void {
    let histogram = this.storeLatency.get(op);
    if (!histogram) {
      histogram = new Histogram();
      this.storeLatency.set(op, histogram);
    }
    histogram.observe(durationMs);
    if (this.listeners.size > 0) this.emit({ type: 'store-op', op, durationMs, ok });
  }

  emit(event: CacheEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken metrics listener must never break a cache call.
      }
    }
  }

  onEvent(listener: (event: CacheEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(breaker: BreakerState, l1: CacheStats['l1']): CacheStats {
    const perNamespace: Record<string, NamespaceStats> = {};
    for (const [namespace, c] of this.namespaces) {
      const served = c.hits + c.stale;
      const total = served + c.misses + (this.errorCalls.get(namespace) ?? 0);
      perNamespace[namespace] = { ...c, hitRate: total === 0 ? 0 : served / total };
    }
    const storeLatency: CacheStats['storeLatency'] = {};
    for (const [op, histogram] of this.storeLatency) storeLatency[op] = histogram.snapshot();
    const loaderLatency: CacheStats['loaderLatency'] = {};
    for (const [namespace, histogram] of this.loaderLatency) loaderLatency[namespace] = histogram.snapshot();
    return { perNamespace, breaker, storeLatency, loaderLatency, l1 };
  }
}
