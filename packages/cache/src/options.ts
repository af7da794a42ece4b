/**
 * Every option of the engine and of a fetch, with its default, resolved in one place. Nothing
 * below this file reads an optional option or repeats a default.
 */
import type { ConnectionOptions } from 'node:tls';
import type { BusTiming } from './bus';
import { slotNamespaceOf } from './keys';
import type {
  BreakerOptions,
  CacheLogger,
  CacheOptions,
  FetchMode,
  FetchOptions,
  Loader,
  MemoryLimits,
  RedisConfig,
  UnsafeEvictionAction,
} from './types';

export interface EngineSettings {
  prefix: string;
  redis: RedisConfig | undefined;
  /** L1 limits in front of Redis (undefined: no L1), or the memory store's limits. */
  l1: MemoryLimits | undefined;
  memory: MemoryLimits;
  /**
   * 100 ms: a healthy loopback/LAN Redis answers in well under 1 ms and the timeout no longer
   * counts time our own event loop was busy (timeout.ts), so this only has to cover Redis's own
   * worst moments (a fork for a snapshot, a slow script); a dead Redis still costs at most this
   * once before the breaker opens. See docs/cache-engine.md for the measurement.
   */
  timeoutMs: number;
  invalidationTimeoutMs: number;
  breaker: Required<BreakerOptions>;
  /**
   * 1500 ms, renewed every 500 ms while the loader runs: a holder that died (a crashed
   * instance) blocks the others' fill for at most this long, and a renewal would have to be
   * a whole second late to let a live holder's lease lapse.
   */
  leaseMs: number;
  leaseWaitMs: number;
  maxLifetimeMs: number;
  bus: BusTiming;
  tls: ConnectionOptions | undefined;
  unsafeEviction: UnsafeEvictionAction;
  namespaces: string[];
  logger: CacheLogger;
}

export function resolveEngineOptions(options: CacheOptions): EngineSettings {
  const l1 = options.l1 === false || options.l1 === undefined ? undefined : options.l1;
  const heartbeatMs = options.bus?.heartbeatMs ?? 500;
  return {
    prefix: options.prefix,
    redis: options.redis,
    l1,
    memory: l1 ?? { maxEntries: 10_000, maxBytes: 50 * 1024 * 1024 },
    timeoutMs: options.timeoutMs ?? 100,
    invalidationTimeoutMs: options.invalidationTimeoutMs ?? 1000,
    breaker: {
      failureThreshold: options.breaker?.failureThreshold ?? 5,
      resetAfterMs: options.breaker?.resetAfterMs ?? 2000,
    },
    leaseMs: options.leaseMs ?? 1500,
    leaseWaitMs: options.leaseWaitMs ?? 10_000,
    maxLifetimeMs: options.maxLifetimeMs ?? 24 * 3_600_000,
    bus: { heartbeatMs, deadlineMs: options.bus?.deadlineMs ?? heartbeatMs * 4 },
    tls: options.tls,
    unsafeEviction: options.unsafeEviction ?? 'refuse',
    namespaces: options.namespaces ?? [],
    logger: options.logger ?? console,
  };
}

/** One fetch, fully resolved: the read path reads only these fields. */
export interface Call<T> {
  key: string;
  /** The key's `{hash tag}`: its slot, the home of its tag marks, its metrics label. */
  namespace: string;
  /** Tags known before loading, deduplicated. */
  tags: string[];
  loader: Loader<T>;
  tagsFromValue: ((value: T) => string[]) | undefined;
  mode: FetchMode;
  l1: boolean;
  ttlMs: number;
  graceMs: number;
  jitter: number;
  softStaleAfterMs: number;
  softTimeoutMs: number;
  hardTimeoutMs: number | undefined;
  batchReads: boolean;
}

/** Checked before anything else, L1 hits included, so a bad TTL never goes unnoticed. */
export function checkTtl(ttlMs: number): void {
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) {
    throw new RangeError(`cache ttlMs must be a positive finite number, got ${ttlMs}`);
  }
}

/** Whether a fetch with these options may be answered by L1 (before its Call is resolved). */
export function mayUseL1(options: { mode?: FetchMode; l1?: boolean }): boolean {
  return options.l1 !== false && (options.mode === undefined || options.mode === 'normal');
}

export function resolveCall<T>(key: string, loader: Loader<T>, options: FetchOptions<T>): Call<T> {
  checkTtl(options.ttlMs);
  return {
    key,
    namespace: slotNamespaceOf(key),
    tags: [...new Set(options.tags ?? [])],
    loader,
    tagsFromValue: options.tagsFromValue,
    mode: options.mode ?? 'normal',
    l1: options.l1 !== false,
    ttlMs: options.ttlMs,
    graceMs: Math.max(options.graceMs ?? 0, 0),
    jitter: Math.min(Math.max(options.jitter ?? 0.1, 0), 1),
    softStaleAfterMs: Math.max(options.softStaleAfterMs ?? 0, 0),
    softTimeoutMs: Math.max(options.softTimeoutMs ?? 0, 0),
    hardTimeoutMs: options.hardTimeoutMs,
    batchReads: options.batchReads === true,
  };
}
