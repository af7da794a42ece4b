export { createCache } from './cache';
export { type SuperJSONDocument, toSuperJSON } from './serializer';
export { buildCacheKey, type CacheKeyParts, canonicalize, hashInput } from './keys';
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
