/**
 * Which cached queries depend on which tags, and which of them an invalidation hits. Pure
 * bookkeeping with no timers or I/O, so it is unit-tested on its own (test/tag-index.test.ts);
 * query-sync.ts applies its answers to TanStack Query.
 *
 * Entries are filed by procedure path and input, the two things both a tRPC operation (what the
 * link sees) and a tRPC query key (what the query cache holds) carry. Paging parameters are left
 * out, as tRPC leaves them out of an infinite query's key: every page's tags add up under one
 * entry, and the first page (no cursor) starts it afresh on each refetch.
 */
import { hashKey, type QueryKey } from '@tanstack/react-query';
import type { Invalidation } from './wire';

/** What the index needs to know about a query in the cache. */
export interface QueryView {
  queryKey: QueryKey;
  /** A fetch is in flight: its answer may predate the invalidation. */
  fetching: boolean;
}

export interface Match {
  /** Hard-hit (or in flight with tags not yet known): refetched now if shown, else when next shown. */
  refetch: QueryKey[];
  /** Soft-hit only: marked stale, refetched when next shown (the server's soft lag bounds its age). */
  markStale: QueryKey[];
}

const PAGING = new Set(['cursor', 'direction']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutPaging(input: unknown): { input: unknown; paged: boolean } {
  if (!isPlainObject(input)) return { input, paged: false };
  const paged = input.cursor !== undefined && input.cursor !== null;
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !PAGING.has(k)));
  return { input: rest, paged };
}

function entryOf(path: string, input: unknown): string {
  return hashKey([path, withoutPaging(input).input ?? null]);
}

/** A tRPC query key is `[['marketplace', 'search'], { input, type }]`; anything else is not ours. */
export function callOfQueryKey(queryKey: QueryKey): { path: string; input: unknown } | null {
  const [parts, options] = queryKey;
  if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string')) return null;
  return { path: parts.join('.'), input: isPlainObject(options) ? options.input : undefined };
}

function entryOfQuery(queryKey: QueryKey): string | null {
  const call = callOfQueryKey(queryKey);
  return call ? entryOf(call.path, call.input) : null;
}

const hits = (tags: ReadonlySet<string>, wanted: readonly string[]) => wanted.some((t) => tags.has(t));

export class TagIndex {
  private readonly entries = new Map<string, Set<string>>();

  /** A call answered with these tags (from the link). A later page adds to the first page's. */
  recordCall(path: string, input: unknown, tags: readonly string[]): void {
    const entry = entryOf(path, input);
    const known = withoutPaging(input).paged ? this.entries.get(entry) : undefined;
    this.entries.set(entry, new Set([...(known ?? []), ...tags]));
  }

  /**
   * Tags the server used while rendering a page, per procedure path, given to the queries it
   * hydrated: those of a seeded path whose own tags are not known yet. A page prefetches a path
   * once as a rule; when it prefetched one several times, each query gets the union (it may
   * refetch once more than needed, never less).
   */
  seed(byPath: Readonly<Record<string, readonly string[]>>, queries: readonly QueryView[]): void {
    for (const { queryKey } of queries) {
      const call = callOfQueryKey(queryKey);
      const tags = call ? byPath[call.path] : undefined;
      const entry = entryOfQuery(queryKey);
      if (tags && entry && !this.entries.has(entry)) this.entries.set(entry, new Set(tags));
    }
  }

  tagsOf(queryKey: QueryKey): ReadonlySet<string> | undefined {
    const entry = entryOfQuery(queryKey);
    return entry ? this.entries.get(entry) : undefined;
  }

  /**
   * A query left the cache: its entry goes too (unless another cached query shares it, as a
   * regular and an infinite query of one input do), so the index never outgrows the cache.
   */
  forget(queryKey: QueryKey, remaining: readonly QueryKey[]): void {
    const entry = entryOfQuery(queryKey);
    if (entry && !remaining.some((key) => entryOfQuery(key) === entry)) this.entries.delete(entry);
  }

  /**
   * The queries an invalidation hits. A query with no known tags is not a cached procedure's
   * (auth.me) or never answered; it is left alone unless its fetch is in flight, whose answer
   * may have been read before the write: that one is refetched.
   */
  match(queries: readonly QueryView[], inv: Invalidation): Match {
    const result: Match = { refetch: [], markStale: [] };
    for (const query of queries) {
      const tags = this.tagsOf(query.queryKey);
      if (!tags) {
        if (query.fetching && callOfQueryKey(query.queryKey)) result.refetch.push(query.queryKey);
      } else if (hits(tags, inv.hard)) {
        result.refetch.push(query.queryKey);
      } else if (hits(tags, inv.soft)) {
        result.markStale.push(query.queryKey);
      }
    }
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}
