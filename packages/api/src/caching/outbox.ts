/**
 * The outbox store for this app's PostgreSQL (table `cache_outbox`, through Prisma): the four
 * operations `@stash/trpc-cache` needs to make an invalidation as durable as its write. The
 * library's outbox.ts has the protocol; this file has the SQL.
 */
import type { Cache } from '@stash/cache';
import { type Prisma, type PrismaClient, primaryPosition } from '@stash/db';
import {
  type OutboxStore,
  OutboxRelay as Relay,
  type SharedCachePurge,
  type TagsToDrop,
} from '@stash/trpc-cache';

export { RELAY_INTERVAL_MS, RELAY_MIN_AGE_MS } from '@stash/trpc-cache';

export type Tx = Prisma.TransactionClient;

/**
 * A burst of writes queues for pool connections: wait for one longer than Prisma's 2 s default
 * rather than fail a write that would have gone through. The relay's pass waits as long (on a
 * saturated machine the default failed passes, and every failure cost a whole interval more).
 */
const TRANSACTION_LIMITS = { maxWait: 15_000, timeout: 15_000 };

/**
 * `positions`: record where each write left the primary (`pg_current_wal_lsn()`) with its tags,
 * for fills that may read a replica (replica-reads.ts). Off without replicas: no extra query.
 */
export interface OutboxOptions {
  positions?: boolean;
}

export function prismaOutbox(prisma: PrismaClient, options: OutboxOptions = {}): OutboxStore<Tx> {
  const committedPosition = options.positions ? () => primaryPosition(prisma) : undefined;
  return {
    transaction: (work) => prisma.$transaction(work, TRANSACTION_LIMITS),
    ...(committedPosition ? { committedPosition } : {}),
    async record(tx, tags) {
      const rows = await tx.$queryRaw<Array<{ id: bigint }>>`
        INSERT INTO cache_outbox (hard, soft) VALUES (${tags.hard}::text[], ${tags.soft}::text[]) RETURNING id`;
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('cache_outbox insert returned no id');
      return id;
    },
    async forget(id) {
      await prisma.$executeRaw`DELETE FROM cache_outbox WHERE id = ${BigInt(id)}`;
    },
    drain: ({ minAgeMs, limit }, deliver) =>
      prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<Array<{ id: bigint; hard: string[]; soft: string[] }>>`
          SELECT id, hard, soft FROM cache_outbox
          WHERE created_at < now() - make_interval(secs => ${minAgeMs / 1000})
          ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        const tags: TagsToDrop = {
          hard: [...new Set(rows.flatMap((row) => row.hard))],
          soft: [...new Set(rows.flatMap((row) => row.soft))],
        };
        // Read after the rows were taken: each is committed (visible here), so this is past its commit.
        const delivery = committedPosition ? { position: await committedPosition() } : {};
        if (!(await deliver(tags, delivery))) return 0; // kept, locked rows released by the commit
        await tx.$executeRaw`DELETE FROM cache_outbox WHERE id = ANY(${rows.map((row) => row.id)}::bigint[])`;
        return rows.length;
      }, TRANSACTION_LIMITS),
  };
}

/** The library's relay over this app's table: every instance runs one (runtime.ts). */
export class OutboxRelay extends Relay {
  constructor(
    prisma: PrismaClient,
    cache: Cache,
    log?: (message: string, meta?: object) => void,
    options: OutboxOptions & { purge?: SharedCachePurge | undefined } = {},
  ) {
    super(prismaOutbox(prisma, options) as never, cache, log, { purge: options.purge });
  }
}
