export { createCache } from './cache';
export { buildCacheKey, type CacheKeyParts, canonicalize, hashInput } from './keys';
export { type SuperJSONDocument, toSuperJSON } from './serializer';
// For other users of the same Redis (the API's sign-in counters): the same client settings.
export { closeClient, createRedisClient, type RedisClient } from './stores/redis-client';
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
  InvalidateOptions,
  LatencyHistogram,
  Loader,
  LoaderContext,
  MemoryLimits,
  NamespaceStats,
  PrimeOptions,
  RedisConfig,
  StoreOp,
  UnsafeEvictionAction,
} from './types';
