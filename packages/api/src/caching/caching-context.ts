/**
 * What the caching code reads from a request's context, owned here so that caching never imports
 * the app's context (context.ts builds one; its `Context` satisfies this). Keeping the arrow one
 * way (app -> caching) is what lets the caching layer be tested and moved on its own.
 */
import type { Cache } from '@stash/cache';
import type { CacheReport, InvalidationLog } from './report';

export type CacheMode = 'normal' | 'bypass' | 'refresh';

/** The long-lived half: one engine per process, and the first segment of every key. */
export interface CachingDeps {
  cache: Cache;
  cacheKeyPrefix: string;
}

/** Per request: how to treat the cache, and where to report what it did. */
export interface CachingContext extends CachingDeps {
  /** How cached procedures treat the cache on this call (admins and tests only). */
  cacheMode: CacheMode;
  /** May cached reads use this instance's L1 (false while a stored response is built)? */
  l1Reads: boolean;
  /** Filled by cached calls: each call's outcome and tags. */
  cacheReport: CacheReport;
  /** Filled by mutations: the tags they invalidated. */
  invalidations: InvalidationLog;
  /** Who is calling: only the id, which goes into user-scoped keys. */
  session: { userId: number } | null;
}
