/**
 * Per-user facts that authorization reads on every request (membership list, session version),
 * cached in Redis only: no L1 copy, so an invalidation is seen by the next request on every
 * instance. Each is tagged so the mutation that changes it can invalidate it.
 */
import { buildCacheKey } from '@stash/cache';
import type { CachingDeps } from '../caching/caching-context';

/** `fact.path` must be listed in the cache registry (cache-registry.ts): the engine marks tags in it. */
export function cachedUserFact<T>(
  deps: CachingDeps,
  fact: { path: string; userId: number; tag: string; ttlMs: number },
  load: () => Promise<T>,
): Promise<T> {
  const key = buildCacheKey({
    prefix: deps.cacheKeyPrefix,
    version: 'v1',
    path: fact.path,
    scope: `user:${fact.userId}`,
    input: null,
  });
  return deps.cache.getOrSet(key, load, {
    ttlMs: fact.ttlMs,
    tags: [fact.tag],
    l1: false,
  });
}
