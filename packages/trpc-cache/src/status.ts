/**
 * How a cached read that is made of several cache reads (an entry and the live facts overlaid
 * on it) reports itself: by the worst of them.
 */
import type { CacheStatus } from '@stash/cache';

/** Worst first: a read made of several cache reads reports the worst of them. */
const SEVERITY: readonly CacheStatus[] = ['error', 'bypass', 'miss', 'stale', 'hit'];

export function worstStatus(statuses: Iterable<CacheStatus>): CacheStatus {
  let worst: CacheStatus = 'hit';
  for (const s of statuses) if (SEVERITY.indexOf(s) < SEVERITY.indexOf(worst)) worst = s;
  return worst;
}
