/**
 * Durable invalidation: the tags a write invalidates are recorded in the SAME database
 * transaction as the write, delivered to the cache right after the commit (before the mutation
 * returns), and the record is then deleted. A record still there a moment later means the writer
 * died between commit and delivery or could not reach the cache: a relay (relay.ts) delivers it,
 * at least once. Invalidation is idempotent, so a second delivery costs one miss. With a CDN in
 * front, the delivery ends with its purge (purge.ts), and the record stays until that succeeded.
 *
 * The store is the app's: `OutboxStore` is the four operations the library needs from a table
 * (the api package ships one for Prisma + PostgreSQL; a `pg` one is a few lines).
 */
import type { Cache } from '@stash/cache';

export interface TagsToDrop {
  /** Gone before the mutation returns. */
  hard: string[];
  /** Served at most a bounded while longer, while one refresh runs. */
  soft: string[];
}

export type OutboxId = string | number | bigint;

export interface OutboxStore<TTx = unknown> {
  /** Runs `work` in one database transaction (the write and its record commit together). */
  transaction<R>(work: (tx: TTx) => Promise<R>): Promise<R>;
  /** Records the tags inside the write's transaction; returns the record's id. */
  record(tx: TTx, tags: TagsToDrop): Promise<OutboxId>;
  /** Deletes a record once its tags reached the cache. */
  forget(id: OutboxId): Promise<void>;
  /**
   * The relay's pass: in one transaction, takes records older than `minAgeMs` (at most `limit`,
   * locked so that relays side by side never take the same ones), hands their tags to `deliver`
   * and deletes them when it returns true. Returns how many were delivered.
   */
  drain(
    options: { minAgeMs: number; limit: number },
    deliver: (tags: TagsToDrop) => Promise<boolean>,
  ): Promise<number>;
}

/** True once every tag reached the cache (false: the record stays for the relay). */
export async function deliver(cache: Cache, tags: TagsToDrop): Promise<boolean> {
  const [hard, soft] = await Promise.all([
    tags.hard.length > 0 ? cache.invalidateTags(tags.hard) : true,
    tags.soft.length > 0 ? cache.invalidateTags(tags.soft, { soft: true }) : true,
  ]);
  return hard && soft;
}
