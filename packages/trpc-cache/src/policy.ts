/**
 * What a cached read declares besides its tags (the first argument of `caching.query`), and the
 * policy it becomes: carried in the procedure's tRPC `meta`, where the registry finds it by the
 * path the procedure is mounted at.
 */
import { type Duration, toMs } from './duration';
import type { AnyTag } from './tags';

export type CacheScope = 'public' | 'user';

export interface CacheOptions {
  /** 'public': one entry for everyone. 'user': the caller's id is in the key, `.authorize()` required. */
  scope: CacheScope;
  /** How long an entry is fresh: ms or '30s', '5m', '1h'. */
  ttl: Duration;
  /** Bump when the output shape changes: old entries are then never read into the new shape. Default 'v1'. */
  version?: string;
  /** Serve an expired entry this long while one background refresh runs. Default 0. */
  grace?: Duration;
  /** A soft invalidation makes an entry stale only once it is this old. Default 0. */
  softLag?: Duration;
  /**
   * Also keep entries in each process's L1 (default false). Other instances drop their copy a
   * few ms after a write (the bus), so only data that may lag a write that long belongs there.
   */
  l1?: boolean;
}

/** The options in the units the engine uses, and the tags the read declared. */
export interface CachePolicy {
  version: string;
  ttlMs: number;
  graceMs: number;
  softStaleAfterMs: number;
  scope: CacheScope;
  l1: boolean;
  tags: readonly AnyTag[];
}

export function toPolicy(options: CacheOptions, tags: readonly AnyTag[]): CachePolicy {
  return {
    version: options.version ?? 'v1',
    ttlMs: toMs(options.ttl),
    graceMs: toMs(options.grace ?? 0),
    softStaleAfterMs: toMs(options.softLag ?? 0),
    scope: options.scope,
    l1: options.l1 ?? false,
    tags,
  };
}
