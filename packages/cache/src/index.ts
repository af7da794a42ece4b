export { createCache } from './cache';
export { buildCacheKey, type CacheKeyParts, canonicalize, hashInput } from './keys';
export { type SuperJSONDocument, toSuperJSON } from './serializer';
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
  MemoryLimits,
  NamespaceStats,
  RedisConfig,
  StoreOp,
} from './types';
