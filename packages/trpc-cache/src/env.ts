/**
 * What the caching code needs from a request, found through the accessors given to
 * `createCaching`: the library never assumes a field of the app's context.
 */
import type { Cache, FetchMode } from '@stash/cache';
import type { CacheReport, InvalidationLog } from './report';

type PerContext<TCtx, T> = T | ((ctx: TCtx) => T);

export interface ContextAccessors<TCtx> {
  /** The cache engine, or how to find it in the context (one per process, or per test). */
  cache: PerContext<TCtx, Cache>;
  /** First segment of every key. Default 'cache'. */
  keyPrefix?: PerContext<TCtx, string>;
  /** How this call treats the cache (admins forcing a refresh). Default 'normal'. */
  mode?: (ctx: TCtx) => FetchMode;
  /** May reads use this process's L1 on this call? Default true. */
  l1Reads?: (ctx: TCtx) => boolean;
  /** Where each cached call's outcome and tags go (response headers). Default: nowhere. */
  report?: (ctx: TCtx) => CacheReport | undefined;
  /** Where each write's invalidated tags go (response headers). Default: nowhere. */
  invalidations?: (ctx: TCtx) => InvalidationLog | undefined;
  /**
   * The context a resolver (or a live fact's `load`) runs with on a cache fill: e.g. the same
   * context with a database client that has replayed at least `minPosition` (a read replica that
   * caught up, else the primary). `minPosition` undefined: nothing vouches for the fill, read
   * the primary. Default: the call's own context.
   */
  fillContext?: (ctx: TCtx, fill: { minPosition: bigint | undefined }) => TCtx | Promise<TCtx>;
}

/** The accessors applied to one context. */
export interface CallEnv {
  cache: Cache;
  keyPrefix: string;
  mode: FetchMode;
  l1Reads: boolean;
  report: CacheReport | undefined;
  invalidations: InvalidationLog | undefined;
  /** `fillContext` (the context given may be the call's without its session: same shape otherwise). */
  fill<C>(ctx: C, minPosition: bigint | undefined): Promise<C>;
}

function resolve<TCtx, T>(value: PerContext<TCtx, T>, ctx: TCtx): T {
  return typeof value === 'function' ? (value as (ctx: TCtx) => T)(ctx) : value;
}

export function envOf<TCtx>(access: ContextAccessors<TCtx>, ctx: TCtx): CallEnv {
  return {
    cache: resolve(access.cache, ctx),
    keyPrefix: access.keyPrefix === undefined ? 'cache' : resolve(access.keyPrefix, ctx),
    mode: access.mode?.(ctx) ?? 'normal',
    l1Reads: access.l1Reads?.(ctx) ?? true,
    report: access.report?.(ctx),
    invalidations: access.invalidations?.(ctx),
    fill: async (fillCtx, minPosition) =>
      access.fillContext ? ((await access.fillContext(fillCtx as never, { minPosition })) as never) : fillCtx,
  };
}
