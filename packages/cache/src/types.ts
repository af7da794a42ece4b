/** Public types of the cache engine. Framework-free: nothing here knows tRPC, Prisma or Next. */

export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass' | 'error';
export type CacheTier = 'l1' | 'l2' | 'loader';
export type FetchMode = 'normal' | 'bypass' | 'refresh';

export interface FetchResult<T> {
  value: T;
  status: CacheStatus;
  tier: CacheTier;
}

export interface FetchOptions<T> {
  /** How long the entry is fresh. Jitter shortens it by up to `jitter * ttlMs`. */
  ttlMs: number;
  /** After the TTL, serve the old value for this long while one background refresh runs. */
  graceMs?: number;
  /** Fraction of ttlMs (0..1) randomly taken off each entry's TTL. Default 0.1. */
  jitter?: number;
  /** Tags known before loading (e.g. from the input). */
  tags?: string[];
  /** Tags derived from the loaded value (e.g. ids of the agents in a list). */
  tagsFromValue?: (value: T) => string[];
  /** bypass: loader only, no cache read or write. refresh: loader, then overwrite the entry. */
  mode?: FetchMode;
  /**
   * Keep this entry in the in-process L1 (default true). Other instances' L1 copies are dropped
   * by a pub/sub message a few ms after an invalidation; pass false for data whose next read on
   * any instance must reflect a write at once (it is then always read from Redis, still tagged).
   */
  l1?: boolean;
  /** Metrics label. Default: the `{hash tag}` of the key, else its third `:` segment. */
  namespace?: string;
}

export interface CacheLogger {
  warn(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
}

export interface ClusterNodeAddress {
  host: string;
  port: number;
}

export type RedisConfig = string | { cluster: ClusterNodeAddress[] };

export interface MemoryLimits {
  maxEntries: number;
  maxBytes: number;
}

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long the breaker stays open before one probe is let through. Default 2000 ms. */
  resetAfterMs?: number;
}

export interface CacheOptions {
  /** Every Redis key (entries, tag generations, leases, bus channel) starts with it. */
  prefix: string;
  /** Redis URL or cluster seed nodes. Undefined: the bounded memory store is the only tier. */
  redis?: RedisConfig;
  /** In-process L1 in front of Redis. Without Redis these limits size the memory store. */
  l1?: MemoryLimits | false;
  /** Per cache operation timeout. Default 50 ms. */
  timeoutMs?: number;
  breaker?: BreakerOptions;
  logger?: CacheLogger;
  /** Namespaces to fan tag invalidations out to from the start (others are learned at run time). */
  namespaces?: string[];
  /** Cross-process fill lease. Default 5000 ms. */
  leaseMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export type CacheEvent =
  | { type: 'hit' | 'miss' | 'stale' | 'bypass' | 'error'; namespace: string; key: string; tier: CacheTier }
  | { type: 'lease-wait'; namespace: string; key: string }
  | { type: 'loader'; namespace: string; key: string; durationMs: number; ok: boolean }
  | { type: 'store-op'; op: StoreOp; durationMs: number; ok: boolean }
  | { type: 'breaker'; state: BreakerState; previous: BreakerState }
  | { type: 'invalidate'; tags: string[]; soft: boolean; ok: boolean }
  /** An invalidation from another instance arrived on the bus and was applied to L1. */
  | { type: 'bus-invalidation'; tags: string[]; keys: string[] }
  | { type: 'refresh-error'; namespace: string; key: string; error: string };

export type StoreOp = 'read' | 'write' | 'lease' | 'invalidate' | 'delete' | 'register';

export interface NamespaceStats {
  hits: number;
  misses: number;
  stale: number;
  errors: number;
  bypass: number;
  leaseWaits: number;
  l1Hits: number;
  l2Hits: number;
  loaderRuns: number;
  /** (hits + stale) / (hits + stale + misses + error-status calls); bypass calls are not counted. */
  hitRate: number;
}

export interface LatencyHistogram {
  count: number;
  sumMs: number;
  maxMs: number;
  /** Cumulative counts per upper bound in ms (Prometheus style); the last bound is Infinity. */
  buckets: Array<{ le: number; count: number }>;
}

export interface CacheStats {
  perNamespace: Record<string, NamespaceStats>;
  breaker: BreakerState;
  storeLatency: Partial<Record<StoreOp, LatencyHistogram>>;
  loaderLatency: Record<string, LatencyHistogram>;
  l1: { entries: number; bytes: number } | null;
}

export interface Cache {
  fetch<T>(key: string, loader: () => Promise<T> | T, options: FetchOptions<T>): Promise<FetchResult<T>>;
  getOrSet<T>(key: string, loader: () => Promise<T> | T, options: FetchOptions<T>): Promise<T>;
  invalidateTags(tags: string[], options?: { soft?: boolean }): Promise<void>;
  invalidatePrefix(prefix: string): Promise<void>;
  delete(key: string): Promise<void>;
  stats(): CacheStats;
  onEvent(listener: (event: CacheEvent) => void): () => void;
  /** Resolves once Redis (and the bus) are connected, or after `waitMs`; never throws. */
  ready(waitMs?: number): Promise<void>;
  close(): Promise<void>;
}
