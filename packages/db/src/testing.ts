import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb } from './client';
import type { PrismaClient } from './generated/prisma/client';
import { runMigrations } from './migrate';
import { seedDatabase } from './seed';
import type { SeedOptions } from './seed/options';
import { DEFAULT_TEST_SERVER_URL, redactUrl, withDatabase } from './urls';

/** Small enough to seed in well under a second, big enough for pagination and search tests. */
export const TEST_SEED_OPTIONS = { agents: 200, templates: 40, users: 8, workspaces: 6 } as const;

export type QueryLog = { readonly count: number; reset(): void; readonly sql: string[] };

export type TestDatabase = {
  url: string;
  prisma: PrismaClient;
  /** Every SQL statement the Prisma client sent since creation (or the last reset()). */
  queries: QueryLog;
  drop(): Promise<void>;
};

/** Connects to the admin database, turning "nothing listens" into an actionable message. */
async function connectAdmin(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL is not answering at ${redactUrl(url)}: start it (see README) or set DATABASE_URL (${reason})`,
      { cause: error },
    );
  }
}

/**
 * An empty database (no migrations) on the server of DATABASE_URL, uniquely named so parallel test
 * files and processes never share one. drop() terminates leftover connections and removes it.
 */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
  const name = `stash_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await connectAdmin(serverUrl);
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    async drop() {
      const client = await connectAdmin(serverUrl);
      try {
        // WITH (FORCE) (PostgreSQL 13+) terminates connections a test may have leaked.
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A fresh, migrated (and by default seeded) database on the server of DATABASE_URL, so each test
 * file gets isolation without truncation games. Always call drop() (e.g. in afterAll).
 */
export async function createTestDatabase(
  opts: { seed?: Partial<SeedOptions> | false } = {},
): Promise<TestDatabase> {
  const empty = await createEmptyDatabase();
  const { url } = empty;
  const sql: string[] = [];
  const queries: QueryLog = {
    get count() {
      return sql.length;
    },
    reset() {
      sql.length = 0;
    },
    sql,
  };
  const db = createDb({ url, poolMax: 4, onQuery: (e) => sql.push(e.sql) });
  const drop = async () => {
    await db.close();
    await empty.drop();
  };

  try {
    await runMigrations(url);
    if (opts.seed !== false) await seedDatabase(db.prisma, { ...TEST_SEED_OPTIONS, ...opts.seed });
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  queries.reset(); // setup traffic is not the test's business
  return { url, prisma: db.prisma, queries, drop };
}

export {
  type ReplicatedPostgres,
  type ReplicatedPostgresOptions,
  startReplicatedPostgres,
} from './replicated-postgres';
