/**
 * Tags with O(1) invalidation, checked lazily against a per-namespace clock.
 *
 * Invalidating a tag ticks its namespace's clock and records the tick as the tag's last hard or
 * soft mark; nothing is scanned and no per-tag set of keys exists. An entry records the clock
 * value read before its loader ran ("built at"). It is valid while no tag it carries was
 * hard-marked after that, and stale once one was soft-marked after that. Tags derived from the
 * loaded value need no special case: the write is refused if any of its tags was hard-marked
 * after built-at, whenever the tag became known. And an invalidation of one tag moves no other
 * tag's mark, so it never makes unrelated entries miss or go stale.
 *
 * Why per namespace: on Redis Cluster one command or script may only touch one slot, so the
 * clock and marks live next to the entries they guard. The (rare) writer pays: invalidateTags
 * marks the tags in every namespace this engine knows (declared up front, or learned), in one
 * pipelined round trip that also lists the namespaces registered in Redis; only a namespace
 * unknown here costs a second round. A process registers a namespace (SADD, awaited) before its
 * first read in it, so if our SMEMBERS did not see it, that process's loader ran after our
 * invalidation started, i.e. after the mutation committed. After Redis forgets (restart, flush),
 * the registry is forgotten too: the first read that recreates a namespace's clock registers the
 * namespace again before any loader runs (see read-path.ts).
 */
import type { BusMessage } from './bus';
import type { RedisStore } from './stores/redis-store';
import type { ReadResult, StoredEntry } from './stores/store';
import type { Strength } from './types';

export type Verdict = 'fresh' | 'stale' | 'miss';

/**
 * @param softStaleAfterMs a soft invalidation makes an entry stale only once it is this old:
 *   a list hit by a burst of writes refreshes at most once per interval.
 */
export function judge(entry: StoredEntry, read: ReadResult, now: number, softStaleAfterMs = 0): Verdict {
  if (now >= entry.expiresAt) return 'miss';
  if (entry.builtAt < read.origin) return 'miss'; // built under a store state that was forgotten
  let softStale = false;
  for (const tag of entry.tags) {
    const mark = read.marks.get(tag);
    if (!mark) return 'miss'; // cannot be judged: never trust it
    if (mark[0] > entry.builtAt) return 'miss';
    if (mark[1] > entry.builtAt) softStale = true;
  }
  // Soft staleness is independent of grace: served (and refreshed) until expiresAt.
  if (softStale && now - entry.bornAt >= softStaleAfterMs) return 'stale';
  return now < entry.freshUntil ? 'fresh' : 'stale';
}

/** Namespaces this engine marks tags in, and those it has registered in Redis. */
export class NamespaceRegistry {
  private readonly known: Set<string>;
  private readonly registered = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly store: RedisStore,
    initial: readonly string[],
  ) {
    this.known = new Set(initial);
  }

  get list(): string[] {
    return [...this.known];
  }

  learn(namespaces: readonly string[]): string[] {
    const added = namespaces.filter((ns) => !this.known.has(ns));
    for (const ns of added) this.known.add(ns);
    return added;
  }

  /** Undefined on the hot path (already registered); otherwise a SADD to await before loading. */
  ensure(ns: string, announce: (message: Omit<BusMessage, 'o'>) => Promise<void>): Promise<void> | undefined {
    if (this.registered.has(ns)) return undefined;
    let registering = this.pending.get(ns);
    if (!registering) {
      registering = this.store
        .registerNamespaces([ns])
        .then(() => {
          this.registered.add(ns);
          if (this.learn([ns]).length > 0) void announce({ n: [ns] }).catch(() => {});
        })
        .finally(() => this.pending.delete(ns));
      this.pending.set(ns, registering);
    }
    return registering;
  }

  /** Redis forgot (a clock had to be recreated, or we reconnected): register again on next use. */
  forgetRegistrations(): void {
    this.registered.clear();
  }

  /**
   * Marks `tags` in every known namespace plus any namespace Redis knows and we did not.
   * One round trip in the steady state; the message is published after the marks.
   */
  /**
   * `except`: a namespace whose marks the caller sets itself (a write-through's own). No
   * `message`: nothing is published (the caller announces once its own marks landed too).
   */
  async invalidate(
    tags: readonly string[],
    how: { strength: Strength; position?: bigint | undefined },
    { message, except }: { message?: string; except?: string } = {},
  ): Promise<void> {
    const cluster = this.store.isCluster;
    // On a single node the PUBLISH rides in the same pipeline, after the marks (ordered).
    const marked = this.list.filter((ns) => ns !== except);
    const registered = await this.store.invalidate(marked, tags, how, cluster ? undefined : message);
    // Compare with what was marked, not with `known`: a bus announcement may have added a
    // namespace to `known` while the first round was in flight, without it being marked.
    const done = new Set([...marked, ...(except === undefined ? [] : [except])]);
    const unseen = registered.filter((ns) => !done.has(ns));
    this.learn(unseen);
    if (unseen.length > 0) await this.store.invalidate(unseen, tags, how);
    // On a cluster the marks live on several nodes: publish only once all of them landed.
    if (message !== undefined && (cluster || unseen.length > 0)) await this.store.publish(message);
  }
}
