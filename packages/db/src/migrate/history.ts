import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * Prisma's own bookkeeping table, created exactly as `prisma migrate` creates it, so a user with
 * the Prisma CLI can run `prisma migrate status` / `deploy` against a database we migrated.
 */
const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type HistoryRow = {
  migrationName: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
};

export async function ensureHistoryTable(client: pg.Client): Promise<void> {
  await client.query(CREATE_TABLE);
}

export async function readHistory(client: pg.Client): Promise<HistoryRow[]> {
  const { rows } = await client.query<{
    migration_name: string;
    checksum: string;
    finished: boolean;
    rolled_back: boolean;
  }>(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS rolled_back
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows.map((r) => ({
    migrationName: r.migration_name,
    checksum: r.checksum,
    finished: r.finished,
    rolledBack: r.rolled_back,
  }));
}

/** Records a migration as Prisma does after a successful apply (one step: the whole script). */
export async function recordApplied(
  client: pg.Client,
  m: { name: string; checksum: string; startedAt: Date },
): Promise<void> {
  await client.query(
    `INSERT INTO "_prisma_migrations"
       (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
    [randomUUID(), m.checksum, m.name, m.startedAt],
  );
}
