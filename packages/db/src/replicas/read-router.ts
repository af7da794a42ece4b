/**
 * Where a read goes when replicas are configured: writes and transactions use `primary`, as
 * always; a read that must reflect writes up to a position (a cache fill, told by the engine's
 * `ctx.minPosition`) goes to a replica that has replayed that far, else to the primary.
 *
 * One check per fill, not per row: the loader asks once and runs all its queries on the client it
 * got. A replica that lags is skipped, not waited for: the primary has the data now, and the
 * engine's fill lease lets one process per key fill, so a write costs the primary at most one
 * read per entry it invalidated (docs/database.md, "Read replicas"). A replica that fails its
 * check (down, unreachable, promoted) is skipped for `retryAfterMs`, so a dead one costs one
 * failed connection per interval, not one per fill.
 *
 * A replica that passed its check can still fail the fill's queries: stopped, restarted or cut
 * off between the check and the query. Every query a fill sends to a replica therefore falls back
 * to the primary when it fails (the primary has every write, so the answer is still one the entry
 * may hold), and the replica is skipped for `retryAfterMs`: a replica going down costs latency,
 * never an error the user sees.
 */
import type { PrismaClient } from '../generated/prisma/client';
import { parseLsn } from './lsn';
import { primaryPosition } from './position';

/** One replica: its Prisma client, and a way to ask how far it has replayed. */
export interface Replica {
  /** For logs and tests: the redacted URL. */
  name: string;
  prisma: PrismaClient;
  /** `pg_last_wal_replay_lsn()`; null when the server is not in recovery (not a replica). */
  replayed(timeoutMs: number): Promise<bigint | null>;
}

export type ReadSource =
  | { from: 'primary'; prisma: PrismaClient }
  | { from: 'replica'; prisma: PrismaClient; replica: string; replayed: bigint };

export interface ReadRouterOptions {
  /** Longest a replay check may take before the replica counts as down. Default 500 ms. */
  checkTimeoutMs?: number;
  /** How long a replica that failed its check is skipped. Default 1000 ms. */
  retryAfterMs?: number;
}

/** Where the fills `forFill` routed went, since the router was made (metrics, benchmarks). */
export interface FillCounts {
  replica: number;
  primary: number;
}

export class ReadRouter {
  readonly fills: FillCounts = { replica: 0, primary: 0 };
  private next = 0;
  private readonly downUntil = new Map<Replica, number>();
  /** Each replica's client, each query falling back to the primary if the replica fails it. */
  private readonly guarded = new Map<Replica, PrismaClient>();
  private readonly checkTimeoutMs: number;
  private readonly retryAfterMs: number;
  /**
   * The primary's position when this router first routed a fill, read once. A write made before
   * then recorded its position in a cache store this process may never have read: the store
   * can have been emptied since (a Redis restarted or flushed), and then the engine reports 0n
   * for the write's tags. Every replica fill must have replayed at least this far, so such a
   * write is never read back older from a lagging replica by a process started after it.
   */
  private floor: Promise<bigint> | undefined;

  constructor(
    readonly primary: PrismaClient,
    readonly replicas: readonly Replica[],
    options: ReadRouterOptions = {},
  ) {
    this.checkTimeoutMs = options.checkTimeoutMs ?? 500;
    this.retryAfterMs = options.retryAfterMs ?? 1000;
    for (const replica of replicas)
      this.guarded.set(
        replica,
        withPrimaryFallback(replica.prisma, primary, () => {
          this.downUntil.set(replica, Date.now() + this.retryAfterMs);
        }),
      );
  }

  /**
   * For a cache loader: `ctx.minPosition` as the engine gave it. Undefined means the engine could
   * not learn what the entry must reflect (the cache was unreachable or bypassed): the primary.
   */
  async forFill(minPosition: bigint | undefined): Promise<ReadSource> {
    const floor = minPosition === undefined ? undefined : await this.startFloor();
    const source =
      minPosition === undefined || floor === undefined
        ? ({ from: 'primary', prisma: this.primary } as const)
        : await this.readAt(minPosition > floor ? minPosition : floor);
    this.fills[source.from]++;
    return source;
  }

  /** The floor (see `floor`); undefined, and asked again next time, when the primary did not answer. */
  private async startFloor(): Promise<bigint | undefined> {
    this.floor ??= primaryPosition(this.primary);
    try {
      return await this.floor;
    } catch {
      this.floor = undefined;
      return undefined;
    }
  }

  /**
   * A replica that has replayed at least `position` (0n: any live replica, for reads with no
   * freshness need), tried in turn from a rotating start; the primary when none qualifies.
   */
  async readAt(position: bigint): Promise<ReadSource> {
    const count = this.replicas.length;
    const start = this.next++ % Math.max(count, 1);
    for (let i = 0; i < count; i++) {
      const replica = this.replicas[(start + i) % count];
      if (!replica || (this.downUntil.get(replica) ?? 0) > Date.now()) continue;
      let replayed: bigint | null;
      try {
        replayed = await replica.replayed(this.checkTimeoutMs);
      } catch {
        replayed = null;
      }
      if (replayed === null) {
        this.downUntil.set(replica, Date.now() + this.retryAfterMs);
        continue;
      }
      this.downUntil.delete(replica);
      if (replayed >= position)
        return {
          from: 'replica',
          prisma: this.guarded.get(replica) ?? replica.prisma,
          replica: replica.name,
          replayed,
        };
    }
    return { from: 'primary', prisma: this.primary };
  }
}

/**
 * `replica` whose every query, model or raw, is sent again to `primary` if the replica fails it
 * (`onFailure` is told). Fills only read, so sending a query twice changes nothing.
 */
function withPrimaryFallback(
  replica: PrismaClient,
  primary: PrismaClient,
  onFailure: () => void,
): PrismaClient {
  const onPrimary = primary as unknown as Record<string, unknown>;
  return replica.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        try {
          return await query(args);
        } catch {
          onFailure();
          const target = (
            model ? onPrimary[model.charAt(0).toLowerCase() + model.slice(1)] : onPrimary
          ) as Record<string, (...a: unknown[]) => Promise<unknown>>;
          const run = target[operation];
          if (typeof run !== 'function') throw new Error(`no ${operation} on the primary`);
          return Array.isArray(args) ? run.apply(target, args) : run.call(target, args);
        }
      },
    },
  }) as unknown as PrismaClient;
}

/** Reads a replica's replay position through a pg pool (or anything with pg's `query`). */
export function replayCheck(pool: {
  query(config: { text: string; query_timeout: number }): Promise<{ rows: Array<{ lsn: string | null }> }>;
}): (timeoutMs: number) => Promise<bigint | null> {
  return async (timeoutMs) => {
    const { rows } = await pool.query({
      text: 'SELECT pg_last_wal_replay_lsn()::text AS lsn',
      query_timeout: timeoutMs,
    });
    const lsn = rows[0]?.lsn;
    return lsn ? parseLsn(lsn) : null;
  };
}
