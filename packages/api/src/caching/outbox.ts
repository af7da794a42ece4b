/**
 * Durable invalidation: an invalidation is as durable as the write it belongs to.
 *
 * The tags a mutation invalidates are inserted into `cache_outbox` in the SAME database
 * transaction as the write. Right after commit they are delivered to the cache (the fast path,
 * awaited before the mutation returns, never skipped because a breaker is open) and the row is
 * deleted. A row that is still there a moment later means the writer crashed between commit and
 * delivery, or could not reach Redis: the relay that every instance runs delivers it, at least
 * once, and only then deletes it. Invalidation is idempotent, so a second delivery costs a miss.
 *
 * Worst case a committed write stays invisible to other instances (its writer crashed after the
 * commit, or could not reach Redis): RELAY_MIN_AGE_MS + RELAY_INTERVAL_MS + one pass (a pool
 * connection, then one delivery, itself bounded by the engine's invalidation timeout): about 3 s
 * on a quiet machine. The fault suite holds it to its crash bound (5 s) beside two busy loops and
 * fails a window that does not (docs/reliability.md).
 */
import type { Cache } from '@stash/cache';
import type { Prisma, PrismaClient } from '@stash/db';

export type Tx = Prisma.TransactionClient;

export interface TagsToDrop {
  /** Gone before the mutation returns. */
  hard: string[];
  /** Served at most a bounded while longer, while one refresh runs. */
  soft: string[];
}

/** A row younger than this may still be in its writer's fast path: the relay leaves it alone. */
export const RELAY_MIN_AGE_MS = 1000;
export const RELAY_INTERVAL_MS = 1000;
const RELAY_BATCH = 200;
/**
 * A pass waits for a pool connection as long as a write does (invalidate.ts): on a machine
 * saturated by requests, Prisma's 2 s default failed passes, and every failure cost a whole
 * interval more. The pass itself is one SELECT, one delivery and one DELETE.
 */
const RELAY_TRANSACTION_LIMITS = { maxWait: 15_000, timeout: 15_000 };

export async function recordInvalidation(tx: Tx, tags: TagsToDrop): Promise<bigint> {
  const rows = await tx.$queryRaw<Array<{ id: bigint }>>`
    INSERT INTO cache_outbox (hard, soft) VALUES (${tags.hard}::text[], ${tags.soft}::text[]) RETURNING id`;
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('cache_outbox insert returned no id');
  return id;
}

/** True once every tag reached the cache (false: the relay will deliver it). */
export async function deliver(cache: Cache, tags: TagsToDrop): Promise<boolean> {
  const [hard, soft] = await Promise.all([
    tags.hard.length > 0 ? cache.invalidateTags(tags.hard) : true,
    tags.soft.length > 0 ? cache.invalidateTags(tags.soft, { soft: true }) : true,
  ]);
  return hard && soft;
}

export async function forgetDelivered(prisma: PrismaClient, id: bigint): Promise<void> {
  await prisma.$executeRaw`DELETE FROM cache_outbox WHERE id = ${id}`;
}

/**
 * Re-delivers rows left behind. Rows are locked (SKIP LOCKED) while delivered, so instances
 * running the relay side by side never deliver the same row at the same time, and a row is
 * deleted only after its delivery succeeded.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly cache: Cache,
    private readonly log: (message: string, meta?: object) => void = (m, meta) => console.warn(m, meta ?? ''),
  ) {}

  /**
   * One pass every `intervalMs` after the previous one ended (passes never overlap); a pass that
   * found a full batch is followed by the next at once, so a backlog drains without waiting.
   */
  start(intervalMs = RELAY_INTERVAL_MS): void {
    if (!this.stopped) return;
    this.stopped = false;
    const pass = () => {
      this.running = this.deliverPending()
        .catch((error: unknown) => {
          this.log('cache outbox: relay pass failed; retried next pass', { error: String(error) });
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
      void this.running.then((delivered) => {
        if (this.stopped) return;
        this.timer = setTimeout(pass, delivered >= RELAY_BATCH ? 0 : intervalMs);
        this.timer.unref();
      });
    };
    this.timer = setTimeout(pass, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: delivers rows older than `minAgeMs`; returns how many were delivered. */
  async deliverPending(minAgeMs = RELAY_MIN_AGE_MS): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: bigint; hard: string[]; soft: string[] }>>`
        SELECT id, hard, soft FROM cache_outbox
        WHERE created_at < now() - make_interval(secs => ${minAgeMs / 1000})
        ORDER BY id LIMIT ${RELAY_BATCH} FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      const tags: TagsToDrop = {
        hard: [...new Set(rows.flatMap((row) => row.hard))],
        soft: [...new Set(rows.flatMap((row) => row.soft))],
      };
      if (!(await deliver(this.cache, tags))) return 0; // kept, locked rows released by the commit
      await tx.$executeRaw`DELETE FROM cache_outbox WHERE id = ANY(${rows.map((row) => row.id)}::bigint[])`;
      // The tags in the line itself: one line per pass, greppable beside a request log.
      this.log(
        `cache outbox: relay delivered invalidations left behind: ${[...tags.hard, ...tags.soft].join(' ')}`,
        {
          rows: rows.length,
        },
      );
      return rows.length;
    }, RELAY_TRANSACTION_LIMITS);
  }
}
