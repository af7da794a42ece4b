/**
 * Per-user facts that authorization reads on every request (membership list, session version),
 * cached in Redis only: no L1 copy, so an invalidation is seen by the next request on every
 * instance. Each is tagged so the mutation that changes it can invalidate it.
 */
import { buildCacheKey } from '@stash/cache';
import type { PrismaClient } from '@stash/db';
import type { CachingDeps } from '../caching/caching-context';
import { fillClient, type ReplicaDeps } from '../caching/replica-reads';

/** `fact.path` must be listed in the cache registry (cache-registry.ts): the engine marks tags in it. */
/**
 * `load` reads with the client it is given: a replica that replayed the last change of the fact
 * (a revoked membership, a sign-out), else the primary. Never older than that change.
 */
export function cachedUserFact<T>(
  deps: CachingDeps & ReplicaDeps,
  fact: { path: string; userId: number; tag: string; ttlMs: number },
  load: (prisma: PrismaClient) => Promise<T>,
): Promise<T> {
  const key = buildCacheKey({
    prefix: deps.cacheKeyPrefix,
    version: 'v1',
    path: fact.path,
    scope: `user:${fact.userId}`,
    input: null,
  });
  return deps.cache.getOrSet(key, async ({ minPosition }) => load(await fillClient(deps, minPosition)), {
    ttlMs: fact.ttlMs,
    tags: [fact.tag],
    l1: false,
  });
}
