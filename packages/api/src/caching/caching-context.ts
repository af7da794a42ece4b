/**
 * What the app's own cached lookups outside procedures (auth-cache.ts) need: owned here so that
 * they never import the app's context (context.ts builds one; `ApiDeps` satisfies this).
 */
import type { Cache, FetchMode } from '@stash/cache';

/** How cached procedures treat the cache on a call (admins and tests only). */
export type CacheMode = FetchMode;

/** The long-lived half: one engine per process, and the first segment of every key. */
export interface CachingDeps {
  cache: Cache;
  cacheKeyPrefix: string;
}
