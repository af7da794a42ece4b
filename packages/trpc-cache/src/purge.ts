/**
 * A shared cache outside the engine (a CDN) that stores answers by tag and must forget what a
 * write changed. It is one more step of the durable invalidation (outbox.ts), always AFTER the
 * engine's invalidation landed: purged first, the CDN could refetch from an app still holding the
 * old answer, and keep it. A record is done only when this step succeeded too, so the relay
 * retries a failed purge exactly like a failed invalidation, and re-delivers it after a crash.
 *
 * The race a purge alone does not close: a CDN fetch that left before the invalidation and comes
 * back after the purge (or lands on an instance whose L1 has not heard the bus yet) stores the
 * old answer. So a successful purge is repeated once `againAfterMs` later, longer than the CDN
 * waits for the origin. That second purge lives in this process only: if it dies in between, the
 * CDN's copy is bounded by the `s-maxage` the app sent (docs/architecture.md states the bound).
 */
import type { TagsToDrop } from './outbox';

export interface SharedCachePurge {
  /** Purges every answer carrying any of these tags; rejects when the CDN did not confirm. */
  purge(tags: readonly string[]): Promise<void>;
  /** How long a mutation waits for its purge before returning anyway (the record stays). */
  waitMs: number;
  /** The second purge, this long after the first succeeded; 0: none. */
  againAfterMs: number;
  /**
   * Tags no CDN copy carries (facts the app treats as soft at the CDN, e.g. install counts:
   * bounded by the copy's `s-maxage` instead): never purged, so a write changing only those
   * sends no purge at all.
   */
  notShared?: (tag: string) => boolean;
  /** Where a failed purge is reported (it is retried by the relay). */
  log?: (message: string, meta?: object) => void;
}

/**
 * Every tag a record names that a CDN copy may carry: a CDN has no soft purge, and
 * written-through facts are in `hard`.
 */
export function purgedTags(tags: TagsToDrop, notShared?: (tag: string) => boolean): string[] {
  const all = new Set([...tags.hard, ...tags.soft]);
  return notShared ? [...all].filter((tag) => !notShared(tag)) : [...all];
}

/**
 * Purges `tags` (the engine's invalidation of them already landed): true once the CDN confirmed,
 * false when it failed (the caller keeps the record for the relay). Schedules the second purge.
 */
export async function purgeShared(shared: SharedCachePurge, tags: TagsToDrop): Promise<boolean> {
  const all = purgedTags(tags, shared.notShared);
  if (all.length === 0) return true;
  try {
    await shared.purge(all);
  } catch (error) {
    shared.log?.('cdn purge failed; the outbox relay retries it', { error: String(error) });
    return false;
  }
  if (shared.againAfterMs > 0) {
    const again = setTimeout(() => {
      shared.purge(all).catch((error: unknown) => {
        shared.log?.('cdn second purge failed; the copy is bounded by its s-maxage', {
          error: String(error),
        });
      });
    }, shared.againAfterMs);
    again.unref(); // never holds a process open: its loss is the bound stated above
  }
  return true;
}

/**
 * A mutation's purge: resolves once it succeeded or failed, or once `waitMs` passed. A purge
 * still running then goes on; `onDone` hears its outcome either way (the writer forgets the
 * record once it succeeded, else the relay delivers it again).
 */
export async function purgeWithin(
  shared: SharedCachePurge,
  tags: TagsToDrop,
  onDone: (purged: boolean) => Promise<void>,
): Promise<void> {
  const done = purgeShared(shared, tags)
    .then(onDone)
    .catch((error: unknown) => {
      shared.log?.('cdn purge: forgetting the outbox record failed; the relay delivers it again', {
        error: String(error),
      });
    });
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, shared.waitMs);
  });
  await Promise.race([done, bound]).finally(() => clearTimeout(timer));
}
