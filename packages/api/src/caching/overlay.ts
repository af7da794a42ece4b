/**
 * What a live overlay gives back (caching/live.ts has the facts it reads): the value as shown,
 * how the cache answered the facts, and their tags, which join the answer's tags for the client.
 */
import type { CacheStatus } from '@stash/cache';

/** What a live read returns: the values, how the cache answered, and the facts' tags. */
export interface LiveRead<T> {
  value: T;
  status: CacheStatus;
  /** The facts' tags: the answer depends on them (the client invalidates by them). */
  tags: string[];
}

/** Overlays live facts on a cached value (a cached procedure's `live` rule). */
export type LiveOverlay<TCtx, TOutput, TInput = unknown> = (
  value: TOutput,
  ctx: TCtx,
  input: TInput,
) => Promise<LiveRead<TOutput>>;

/** Worst first: a read made of several cache reads reports the worst of them. */
const SEVERITY: readonly CacheStatus[] = ['error', 'bypass', 'miss', 'stale', 'hit'];

export function worstStatus(statuses: Iterable<CacheStatus>): CacheStatus {
  let worst: CacheStatus = 'hit';
  for (const s of statuses) if (SEVERITY.indexOf(s) < SEVERITY.indexOf(worst)) worst = s;
  return worst;
}
