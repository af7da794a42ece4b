import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';

export type QueryEvent = { sql: string; durationMs: number };

export type CreateDbOptions = {
  url: string;
  /** Pool size. Keep one pool per process; PGlite's socket serves one connection, so use 1 there. */
  poolMax?: number;
  /** Called after every SQL statement the client sends (including BEGIN/COMMIT of transactions). */
  onQuery?: (e: QueryEvent) => void;
  /** Give up connecting after this long (default: pg's, no limit). Replicas set it: a dead one must fail fast. */
  connectTimeoutMs?: number;
};

/** `pool`: the pg pool under the client, for a plain query that should not go through Prisma. */
export type Db = { prisma: PrismaClient; pool: pg.Pool; close(): Promise<void> };

type QueryFn = (...args: unknown[]) => unknown;

function sqlOf(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'text' in arg && typeof arg.text === 'string') return arg.text;
  return String(arg);
}

/**
 * Wraps one pg client's `query` so every statement is reported with its duration.
 * We hook the pg client rather than Prisma's `query` log event: the adapter sends every statement
 * (plain queries through `pool.query`, transactions through a checked-out client) via
 * `client.query`, so this sees exactly what reaches the server, whatever Prisma's logging does.
 */
function instrumentClient(client: pg.PoolClient, onQuery: (e: QueryEvent) => void): void {
  const original = client.query.bind(client) as QueryFn;
  const wrapped: QueryFn = (...args) => {
    const sql = sqlOf(args[0]);
    const started = performance.now();
    const report = () => onQuery({ sql, durationMs: performance.now() - started });
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      // Callback style (what pg-pool's `pool.query` uses).
      const callback = last as (...cbArgs: unknown[]) => void;
      args[args.length - 1] = (...cbArgs: unknown[]) => {
        report();
        callback(...cbArgs);
      };
      return original(...args);
    }
    const result = original(...args);
    if (result instanceof Promise) {
      return result.finally(report);
    }
    report(); // Submittable (cursor/stream): report dispatch only.
    return result;
  };
  client.query = wrapped as typeof client.query;
}

/**
 * Put first in a raw statement's text to have it prepared by name on each connection, so
 * PostgreSQL parses it once and can keep its plan: planning took 0.6-1 ms of search's 3-4 ms
 * statement. For statements with a bounded number of texts only: each text stays prepared for the
 * connection's life, and Prisma's own statements (an IN list of every length) would pile up.
 */
export const PREPARED = '/* prepared */';

/** The name a PREPARED statement is prepared under (its text's hash); '' leaves others unnamed. */
function statementName(query: { sql: string }): string {
  if (!query.sql.startsWith(PREPARED)) return '';
  return `stash_${createHash('sha1').update(query.sql).digest('hex').slice(0, 24)}`;
}

/**
 * Creates a Prisma client over `@prisma/adapter-pg` with its own pg Pool.
 * Call it once per process (or per test database) and share the result: every call opens a pool.
 */
export function createDb(opts: CreateDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax ?? 10,
    ...(opts.connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: opts.connectTimeoutMs }),
    // No JIT: every query here is short, and PostgreSQL compiles any statement whose estimate
    // passes jit_above_cost, which search's queries (estimated on unknown array sizes) do: the
    // compilation took ~50 ms of a 2 ms vocabulary lookup (docs/benchmarks.md, search).
    options: '-c jit=off',
    // Idle clients keep a process alive; let short-lived scripts and tests exit promptly.
    allowExitOnIdle: true,
  });
  const { onQuery } = opts;
  if (onQuery) pool.on('connect', (client) => instrumentClient(client, onQuery));
  // An idle client dying (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { statementNameGenerator: statementName }) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    pool,
    close() {
      closed ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })();
      return closed;
    },
  };
}
