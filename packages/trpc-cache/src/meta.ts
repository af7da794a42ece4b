/**
 * What a procedure built by this library carries in its tRPC `meta`: the registry finds reads'
 * policies and mutations' write rules there, by the path each procedure is mounted at. Give it
 * to `initTRPC.meta<CachingMeta>()` (or extend your own meta type with it).
 */
import type { CachePolicy } from './policy';
import type { WriteRule } from './write';

export interface CachingMeta {
  cache?: CachePolicy;
  cacheWrites?: WriteRule;
}
