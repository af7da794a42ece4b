/**
 * How a cached read is declared (the options of `cachedProcedure`) and the policy it becomes,
 * carried in the procedure's tRPC `meta` (registry.ts finds it there by mount path).
 */
import type { CachingContext } from './caching-context';
import { type Duration, toMs } from './duration';
import type { TagKind } from './tags';

/** Default lifetimes per area; the engine adds up to 10 % jitter per entry (docs/architecture.md). */
export const TTL = {
  marketplace: '5m',
  templates: '10m',
  workspaces: '1m',
} as const satisfies Record<string, Duration>;

export type CacheScope = 'public' | 'user';

/**
 * What a public entry is built from: a context without `session`, so per-user data cannot
 * reach an entry every visitor shares (reading `ctx.session` there is a compile error).
 */
export type PublicContext<TCtx extends CachingContext> = Omit<TCtx, 'session'>;
/** What a user-scoped entry is built and authorized with: a signed-in context. */
export type SignedInContext<TCtx extends CachingContext> = TCtx & {
  session: NonNullable<TCtx['session']>;
};

/** The first argument of `cachedProcedure`: everything about the entry except its tags' values. */
export interface CacheOptions {
  /** 'public': one entry for everyone. 'user': the caller's id is in the key, `.authorize()` required. */
  scope: CacheScope;
  /** How long an entry is fresh: ms or '30s', '5m', '1h'. */
  ttl: Duration;
  /** Bump when the output shape changes: old entries are then never read into the new shape. */
  version?: string;
  /** Serve an expired entry this long while one background refresh runs. */
  grace?: Duration;
  /**
   * A soft invalidation makes an entry stale only once it is this old: the bound on how long
   * softly invalidated fields (install counts in lists) may lag a write, and the most often a
   * list refreshes under a stream of writes.
   */
  softLag?: Duration;
  /**
   * Also keep entries in the in-process L1 (default false). Other instances drop their L1 copy
   * a few ms after a write (pub/sub), so only data that may lag a write that long belongs
   * there: the soft-invalidated marketplace lists. Everything else is read from Redis, where
   * an invalidation is visible to the very next read on every instance.
   */
  l1?: boolean;
  /** The tag kinds this procedure's entries may carry (for docs, and checked at run time). */
  tags: readonly TagKind[];
}

/** The options in the units the engine uses; what docs/caching.md shows. */
export interface CachePolicy {
  version: string;
  ttlMs: number;
  graceMs: number;
  softStaleAfterMs: number;
  scope: CacheScope;
  l1: boolean;
  tagKinds: readonly TagKind[];
}

export function normalizeOptions(options: CacheOptions): CachePolicy {
  return {
    version: options.version ?? 'v1',
    ttlMs: toMs(options.ttl),
    graceMs: toMs(options.grace ?? 0),
    softStaleAfterMs: toMs(options.softLag ?? 0),
    scope: options.scope,
    l1: options.l1 ?? false,
    tagKinds: options.tags,
  };
}

/** What a procedure carries in its tRPC `meta`, so the registry can find it by mount path. */
export interface ProcedureMeta {
  cache?: CachePolicy;
}
