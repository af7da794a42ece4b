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

/**
 * How a delivery reaches the cache besides its tags. `position`: where the write left the
 * database (e.g. the primary's WAL position after the commit), recorded with the tags so that the
 * next fill can avoid a read replica that has not replayed it (the engine's `ctx.minPosition`).
 */
export interface Delivery {
  position?: bigint | undefined;
}

export interface OutboxStore<TTx = unknown> {
  /** Runs `work` in one database transaction (the write and its record commit together). */
  transaction<R>(work: (tx: TTx) => Promise<R>): Promise<R>;
  /** Records the tags inside the write's transaction; returns the record's id. */
  record(tx: TTx, tags: TagsToDrop): Promise<OutboxId>;
  /**
   * Where committed writes have left the database so far (PostgreSQL: `pg_current_wal_lsn()` on
   * the primary), read once right after a write's commit. Omit it when no read goes to a replica:
   * then no position is recorded and nothing is asked.
   */
  committedPosition?(): Promise<bigint>;
  /** Deletes a record once its tags reached the cache. */
  forget(id: OutboxId): Promise<void>;
  /**
   * The relay's pass: in one transaction, takes records older than `minAgeMs` (at most `limit`,
   * locked so that relays side by side never take the same ones), hands their tags to `deliver`
   * and deletes them when it returns true. Returns how many were delivered. With positions
   * (`committedPosition`), the delivery carries one read after the records were taken: they are
   * committed (visible), so it is at or past each of their commits.
   */
  drain(
    options: { minAgeMs: number; limit: number },
    deliver: (tags: TagsToDrop, delivery: Delivery) => Promise<boolean>,
  ): Promise<number>;
}

/** True once every tag reached the cache (false: the record stays for the relay). */
export async function deliver(cache: Cache, tags: TagsToDrop, delivery: Delivery = {}): Promise<boolean> {
  const at = delivery.position === undefined ? {} : { position: delivery.position };
  const [hard, soft] = await Promise.all([
    tags.hard.length > 0 ? cache.invalidateTags(tags.hard, at) : true,
    tags.soft.length > 0 ? cache.invalidateTags(tags.soft, { soft: true, ...at }) : true,
  ]);
  return hard && soft;
}
