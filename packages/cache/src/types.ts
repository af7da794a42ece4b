/** Public types of the cache engine. Framework-free: nothing here knows tRPC, Prisma or Next. */
import type { ConnectionOptions } from 'node:tls';

/** What the engine does on an `allkeys-*` Redis (stores/eviction-policy.ts has the verdicts and why). */
export type UnsafeEvictionAction = 'warn' | 'refuse';

export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass' | 'error';
export type CacheTier = 'l1' | 'l2' | 'loader';
export type FetchMode = 'normal' | 'bypass' | 'refresh';

export interface FetchResult<T> {
  value: T;
  status: CacheStatus;
  tier: CacheTier;
  /**
   * Until when (epoch ms) the answer is fresh: the entry's own freshness on a hit, the stored
   * entry's on a miss. Absent when nothing fresh was cached (stale, bypass, error, not stored).
   * Lets a caller derive something no fresher than what it was built from (a stored HTTP response).
   */
  freshUntil?: number;
}

/** Handed to a loader: it may decide how (or whether) its value is cached. */
export interface LoaderContext {
  /**
   * The newest position (e.g. a PostgreSQL WAL LSN as a number) that writes recorded with
   * invalidations of this entry's tags, read before the loader started: a database replica that
   * has replayed at least this far holds every write the entry must reflect. 0n: no write
   * recorded one. Undefined: the engine could not learn it (the store was not read, or the call
   * bypasses the cache); read from the primary then.
   */
  readonly minPosition: bigint | undefined;
  /** Cache this value for `ms` instead of the call's ttlMs (e.g. shorter for an empty result). */
  setTtl(ms: number): void;
  /** Return the value to the caller but do not cache it. */
  skip(): void;
}

export type Loader<T> = (ctx: LoaderContext) => Promise<T> | T;

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
  /**
   * A soft invalidation makes an entry stale only once the entry is this old (default 0): a
   * popular list hit by a burst of writes then refreshes at most once per interval. This is
   * the freshness bound its readers get for softly invalidated fields.
   */
  softStaleAfterMs?: number;
  /**
   * A stale read waits this long for its refresh and returns the fresh value if it made it,
   * else the stale one (default 0: the stale value at once, refresh in the background).
   */
  softTimeoutMs?: number;
  /**
   * A caller waiting on a loader (its own or another process's, through the lease) gives up
   * after this long with a CacheLoaderTimeoutError; the loader still finishes and its value is
   * still cached. Default: no limit beyond the lease wait.
   */
  hardTimeoutMs?: number;
  /**
   * Redis only: the calls of this key made in one event-loop turn share one hit-shaped read
   * (no lease), sent once the turn's callbacks have run, and one decoded value; a call never
   * waits for a read sent before it started (which could not vouch for it: it would wait for
   * that read and then one more). A read that finds no fresh entry, or fails, sends its calls
   * on to the shared flight as usual. For a hot key many requests read at once, whose hit must
   * cost one round trip.
   */
  batchReads?: boolean;
}

/** What `Cache.prime` stores: an entry a write computed, with its TTL and tags. */
export interface PrimeOptions<T> {
  ttlMs: number;
  tags?: string[];
  tagsFromValue?: (value: T) => string[];
  /** Where the write left the database: recorded with the tags (see InvalidateOptions). */
  position?: bigint;
}

export interface InvalidateOptions {
  /** Stale (served while refreshed) instead of a miss. */
  soft?: boolean;
  /**
   * Where the write left the database (for PostgreSQL, `pg_current_wal_lsn()` read on the primary
   * after the commit, as a number). Stored per tag as the newest one, beside the marks, and
   * handed to the next fill's loader as `ctx.minPosition`, so it can avoid a replica that has not
   * replayed the write yet.
   */
  position?: bigint;
}

export interface CacheLogger {
  warn(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
}

export interface ClusterNodeAddress {
  host: string;
  port: number;
  /** ACL user and password for every node (taken from the first seed node that has them). */
  username?: string;
  password?: string;
}

/** A hard invalidation makes entries misses; a soft one makes them stale (served while refreshed). */
export type Strength = 'hard' | 'soft';

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
  /** Per cache operation timeout, measured against Redis, not a busy event loop. Default 100 ms. */
  timeoutMs?: number;
  /** Timeout of an invalidation, which is attempted even while the breaker is open. Default 1000 ms. */
  invalidationTimeoutMs?: number;
  breaker?: BreakerOptions;
  logger?: CacheLogger;
  /**
   * Namespaces (key `{hash tags}`, e.g. procedure paths) to mark invalidated tags in from the
   * start. Declare every one you use: it keeps invalidation complete even right after Redis lost
   * its namespace registry (others are learned at run time, see tags.ts).
   */
  namespaces?: string[];
  /** Cross-process fill lease, renewed every third of it while the loader runs. Default 1500 ms. */
  leaseMs?: number;
  /** How long a caller waits for another process's fill before loading itself. Default 10000 ms. */
  leaseWaitMs?: number;
  /** Longest lifetime (ttl + grace) of any entry; longer ones are cut. Default 24 h. */
  maxLifetimeMs?: number;
  /**
   * TLS options for `rediss://` URLs and cluster nodes (e.g. `{ ca }` for a private CA). Managed
   * Redis with a public certificate needs none: `rediss://:password@host:port` is enough.
   */
  tls?: ConnectionOptions;
  /**
   * What to do when Redis runs an `allkeys-*` eviction policy, which could evict tag marks:
   * 'refuse' (default) does not use Redis at all (the loader answers every call, status
   * 'error'); 'warn' logs it once at startup and uses Redis anyway.
   */
  unsafeEviction?: UnsafeEvictionAction;
  /** Heartbeat through the bus; L1 serves only while our own came back within the deadline. */
  bus?: { heartbeatMs?: number; deadlineMs?: number };
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
  | { type: 'refresh-error'; namespace: string; key: string; error: string }
  /** Redis was reconnected to and may have lost writes: the origins of all namespaces moved. */
  | { type: 'rotated'; namespaces: string[] };

export type StoreOp = 'read' | 'write' | 'lease' | 'invalidate' | 'delete' | 'register' | 'rotate';

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
  fetch<T>(key: string, loader: Loader<T>, options: FetchOptions<T>): Promise<FetchResult<T>>;
  getOrSet<T>(key: string, loader: Loader<T>, options: FetchOptions<T>): Promise<T>;
  /**
   * `fetch`'s first step alone, without a promise: the L1 hit `fetch` would return for this key
   * and these options (counted as one), or undefined. For a caller on a hot path that can answer
   * synchronously; on undefined it calls `fetch`.
   */
  localHit<T>(key: string, options: Pick<FetchOptions<T>, 'l1' | 'mode'>): FetchResult<T> | undefined;
  /**
   * Marks the tags invalidated in every namespace and drops local copies. Resolves true once
   * Redis has the marks (or there is no Redis), false when they could not be delivered: this
   * process then replays them before its next Redis read, and a caller that must guarantee
   * delivery to other instances retries (the API's outbox does). Never rejects.
   */
  invalidateTags(tags: string[], options?: InvalidateOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Write-through (write-through.ts): read the namespace's clock before a write's transaction
   * commits, then `prime` the entry with the value the write computed once it has committed.
   * `clockBefore` resolves undefined when Redis cannot be reached (then do not prime).
   */
  clockBefore(namespace: string): Promise<number | undefined>;
  /**
   * Hard-invalidates the entry's tags and stores `value` unless another write to them came after
   * `since`. Resolves whether it was stored; rejects when Redis could not be reached.
   */
  prime<T>(key: string, value: T, options: PrimeOptions<T>, since: number): Promise<boolean>;
  stats(): CacheStats;
  onEvent(listener: (event: CacheEvent) => void): () => void;
  /** Resolves once Redis (and the bus) are connected, or after `waitMs`; never throws. */
  ready(waitMs?: number): Promise<void>;
  close(): Promise<void>;
}
