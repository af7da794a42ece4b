/**
 * Tags with O(1) invalidation: generation counters, checked lazily.
 *
 * Each tag has two counters, hard and soft: integer strings per namespace
 * (`<prefix>:{<ns>}:tg:h:<tag>` / `...:tg:s:<tag>`). An entry stores the generations it was
 * built under. A read fetches the entry and the current generations in ONE round trip (one MGET
 * on hits, a Lua script on misses; same slot thanks to the `{ns}` hash tag) and judges it: a
 * hard mismatch is a miss, a soft mismatch is "stale" (served once while one background refresh
 * runs). Invalidating a tag is an INCR, however many entries carry it; nothing is scanned and no
 * per-tag set of keys exists.
 *
 * Why per namespace: on Redis Cluster one command or script may only touch one slot, so the
 * counters live next to the entries they guard. The price is paid by the (rare) writer:
 * invalidateTags bumps the tags in every namespace this engine knows, all in the same tick
 * (auto-pipelining makes that one write per node), and in the same round trip lists the namespaces registered in Redis
 * (`<prefix>:namespaces`, one member per procedure, never per entry). Only when that list shows a
 * namespace unknown here does a second round run. That is safe: a process registers a namespace
 * (SADD, awaited) before its first read in it, so if our SMEMBERS did not see it, that process's
 * first read, and so its loader, ran after our invalidation started, i.e. after the mutation.
 *
 * Race safety: a fill records the generations that came back with its miss read (before the
 * loader ran) and writes the entry under those, through a script that refuses when a start tag
 * was hard-invalidated meanwhile. Tags only known after loading (tagsFromValue) have no start
 * generation; the namespace epoch (bumped by every invalidation) tells whether anything moved
 * during the fill, and if so the entry is refused (hard) or stored already stale (soft).
 *
 * invalidatePrefix is a tag too: every entry implicitly carries `~p:<prefix>` for each segment
 * boundary of its key (see keys.ts), so a prefix bump is the same O(1) operation.
 */
import type { BusMessage } from './bus';
import type { RedisStore } from './stores/redis-store';
import type { Generations, StoredEntry } from './stores/store';

export type Verdict = 'fresh' | 'stale' | 'miss';

export function judge(entry: StoredEntry, current: Generations, now: number): Verdict {
  if (now >= entry.expiresAt) return 'miss';
  if (entry.gens.length !== entry.tags.length * 2) return 'miss';
  let softStale = false;
  for (let i = 0; i < entry.tags.length; i++) {
    const [hard, soft] = current.get(entry.tags[i] ?? '') ?? [0, 0];
    if (entry.gens[2 * i] !== hard) return 'miss';
    if (entry.gens[2 * i + 1] !== soft) softStale = true;
  }
  // Soft staleness is independent of grace: served (and refreshed) until expiresAt.
  if (softStale) return 'stale';
  return now < entry.freshUntil ? 'fresh' : 'stale';
}

/** Namespaces this engine fans invalidations out to, and those it has registered in Redis. */
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

  /** Undefined on the hot path (already registered); otherwise a SADD to await before reading. */
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

  /** After Redis comes back (possibly empty), register again on next use. */
  forgetRegistrations(): void {
    this.registered.clear();
  }

  /**
   * Bumps `tags` in every known namespace plus any namespace Redis knows and we did not.
   * One round trip in the steady state; the message is published after the bumps.
   */
  async invalidate(tags: readonly string[], soft: boolean, message: string): Promise<void> {
    const cluster = this.store.isCluster;
    // On a single node the PUBLISH rides in the same pipeline, after the bumps (ordered).
    const bumped = this.list;
    const registered = await this.store.invalidate(bumped, tags, soft, cluster ? undefined : message);
    // Compare with what was bumped, not with `known`: a bus announcement may have added a
    // namespace to `known` while the first round was in flight, without it being bumped.
    const done = new Set(bumped);
    const unseen = registered.filter((ns) => !done.has(ns));
    this.learn(unseen);
    if (unseen.length > 0) await this.store.invalidate(unseen, tags, soft);
    // On a cluster the bumps live on several nodes: publish only once all of them landed.
    if (cluster || unseen.length > 0) await this.store.publish(message);
  }
}
