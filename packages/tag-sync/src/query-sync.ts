/**
 * The TanStack Query half: applies invalidations to a QueryClient and shares them with the other
 * tabs of this browser (BroadcastChannel), so a write in one tab refreshes the lists every tab
 * shows. The tRPC half (link.ts) feeds it the tags each answer depends on and the tags each
 * mutation invalidated; nothing here names a procedure.
 *
 * Optimistic updates: while any mutation of this tab is in flight, invalidations wait and are
 * applied together once the last one settles. A refetch in between would bring the server's
 * state from before a later click and overwrite that click's optimistic patch; waiting keeps
 * what the user sees steady and converging (the rule "only the last to settle refetches",
 * generalised to every mutation).
 */
import type { QueryClient } from '@tanstack/react-query';
import { TagIndex } from './tag-index';
import type { Invalidation } from './wire';

export const DEFAULT_CHANNEL = 'stash-cache-tags';

export interface TagSyncOptions {
  /** BroadcastChannel name shared by the tabs; null turns cross-tab sharing off. */
  channel?: string | null;
}

export interface TagSync {
  readonly index: TagIndex;
  /** A query answered through the link with these tags. */
  recordCall(path: string, input: unknown, tags: readonly string[]): void;
  /** A mutation of this tab invalidated tags: apply here, tell the other tabs. */
  invalidated(inv: Invalidation): void;
  /** Tags of queries the server rendered and this page hydrated (see TagIndex.seed). */
  seed(byPath: Readonly<Record<string, readonly string[]>>): void;
  close(): void;
}

function isInvalidation(value: unknown): value is Invalidation {
  const strings = (v: unknown) => Array.isArray(v) && v.every((t) => typeof t === 'string');
  return typeof value === 'object' && value !== null && 'hard' in value && 'soft' in value
    ? strings(value.hard) && strings(value.soft)
    : false;
}

export function createTagSync(qc: QueryClient, options: TagSyncOptions = {}): TagSync {
  const index = new TagIndex();
  const queries = qc.getQueryCache();
  const pending = { hard: new Set<string>(), soft: new Set<string>() };

  const views = () =>
    queries.getAll().map((q) => ({ queryKey: q.queryKey, fetching: q.state.fetchStatus === 'fetching' }));

  function flush(): void {
    if (pending.hard.size + pending.soft.size === 0 || qc.isMutating() > 0) return;
    const inv = { hard: [...pending.hard], soft: [...pending.soft] };
    pending.hard.clear();
    pending.soft.clear();
    const { refetch, markStale } = index.match(views(), inv);
    for (const queryKey of refetch) void qc.invalidateQueries({ queryKey, exact: true });
    for (const queryKey of markStale)
      void qc.invalidateQueries({ queryKey, exact: true, refetchType: 'none' });
  }

  function apply(inv: Invalidation): void {
    for (const tag of inv.hard) pending.hard.add(tag);
    for (const tag of inv.soft) pending.soft.add(tag);
    flush();
  }

  // The last mutation settling releases what waited for it.
  const stopMutations = qc.getMutationCache().subscribe(flush);
  const stopQueries = queries.subscribe((event) => {
    if (event.type === 'removed')
      index.forget(
        event.query.queryKey,
        views().map((v) => v.queryKey),
      );
  });

  const channelName = options.channel === undefined ? DEFAULT_CHANNEL : options.channel;
  const channel =
    channelName !== null && typeof BroadcastChannel !== 'undefined'
      ? new BroadcastChannel(channelName)
      : null;
  if (channel) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isInvalidation(event.data)) apply(event.data);
    };
  }

  return {
    index,
    recordCall: (path, input, tags) => index.recordCall(path, input, tags),
    invalidated(inv) {
      apply(inv);
      channel?.postMessage(inv);
    },
    seed: (byPath) => index.seed(byPath, views()),
    close() {
      stopMutations();
      stopQueries();
      channel?.close();
    },
  };
}
