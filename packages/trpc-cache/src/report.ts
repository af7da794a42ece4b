/**
 * What one request tells its caller about the cache, filled in while its calls run:
 * - per cached call, its outcome (hit, miss, ...) and the tags its answer depends on;
 * - per mutation, the tags it invalidated.
 * An HTTP handler turns these into response headers; server-side callers read them directly.
 */
import type { CacheStatus } from '@stash/cache';

export interface CallReport {
  path: string;
  /** The call's index in its batch (0 outside a batch). */
  batchIndex: number;
  status: CacheStatus;
  tags: readonly string[];
  /** Until when (epoch ms) the cached part of the answer is fresh; absent when it was not cached fresh. */
  freshUntil?: number;
}

export class CacheReport {
  readonly calls: CallReport[] = [];

  record(call: CallReport): void {
    this.calls.push(call);
  }

  /** The outcome of the latest call to `path` (tests and the debugging header read this). */
  get(path: string): CacheStatus | undefined {
    return this.calls.findLast((c) => c.path === path)?.status;
  }

  get size(): number {
    return this.calls.length;
  }
}

/** Tags invalidated by this request's mutations (hard: gone now; soft: stale after a bounded lag). */
export class InvalidationLog {
  readonly hard = new Set<string>();
  readonly soft = new Set<string>();

  record(tags: { hard: readonly string[]; soft: readonly string[] }): void {
    for (const tag of tags.hard) this.hard.add(tag);
    for (const tag of tags.soft) this.soft.add(tag);
  }

  get empty(): boolean {
    return this.hard.size === 0 && this.soft.size === 0;
  }
}

/** `marketplace.search=hit, workspaces.byId=miss` for the calls of one request (a debugging header). */
export function formatCacheReport(report: CacheReport): string | null {
  if (report.size === 0) return null;
  return report.calls.map((c) => `${c.path}=${c.status}`).join(', ');
}
