export { createCache } from './cache';
export { buildCacheKey, type CacheKeyParts, canonicalize, hashInput } from './keys';
export { type SuperJSONDocument, toSuperJSON } from './serializer';
export type { UnsafeEvictionAction } from './stores/eviction-policy';
export { CacheLoaderTimeoutError } from './timeout';
export type {
  BreakerOptions,
  BreakerState,
  Cache,
  CacheEvent,
  CacheLogger,
  CacheOptions,
  CacheStats,
  CacheStatus,
  CacheTier,
  ClusterNodeAddress,
  FetchMode,
  FetchOptions,
  FetchResult,
  LatencyHistogram,
  Loader,
  LoaderContext,
  MemoryLimits,
  NamespaceStats,
  PrimeOptions,
  RedisConfig,
  StoreOp,
} from './types';
