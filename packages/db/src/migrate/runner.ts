import pg from 'pg';
import { defaultMigrationsDir, type MigrationFile, matchesChecksum, readMigrations } from './files';
import { ensureHistoryTable, type HistoryRow, readHistory, recordApplied } from './history';

export type RunMigrationsOptions = {
  /** Defaults to `packages/db/prisma/migrations`. */
  migrationsDir?: string;
  log?: (line: string) => void;
};

export type MigrationResult = { applied: string[]; alreadyApplied: string[] };

/**
 * The advisory lock key `prisma migrate` itself takes, so our runner, a second copy of it and
 * `prisma migrate deploy` all serialize against each other on the same database.
 */
const LOCK_KEY = 72707369;

/** Thrown before anything is applied when the database and the migration files disagree. */
export class MigrationStateError extends Error {
  override name = 'MigrationStateError';
}

/** Every problem that must stop a deploy, checked up front so a refusal changes nothing. */
function verifyHistory(files: MigrationFile[], history: HistoryRow[], log: (l: string) => void): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const row of history) {
    if (row.rolledBack) continue;
    if (!row.finished) {
      throw new MigrationStateError(
        `Migration "${row.migrationName}" started but never finished (a failed \`prisma migrate\` run?). ` +
          'Fix the database by hand, then mark it with `prisma migrate resolve`.',
      );
    }
    const file = byName.get(row.migrationName);
    if (!file) {
      log(`warning: "${row.migrationName}" is applied but missing from the migrations directory`);
      continue;
    }
    if (!matchesChecksum(file, row.checksum)) {
      throw new MigrationStateError(
        `Migration "${row.migrationName}" was modified after it was applied ` +
          `(checksum in database ${row.checksum.slice(0, 12)}…, file ${file.checksum.slice(0, 12)}…). ` +
          'Restore the original migration.sql and put the change in a new migration.',
      );
    }
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const startedAt = new Date();
  // One transaction per migration: the script and its history row commit together or not at all.
  // (So `CREATE INDEX CONCURRENTLY` and friends cannot be used in a migration: see docs/database.md.)
  await client.query('BEGIN');
  try {
    await client.query(file.sql); // simple protocol: a multi-statement script is fine
    await recordApplied(client, { name: file.name, checksum: file.checksum, startedAt });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration "${file.name}" failed and was rolled back: ${reason}`, { cause: error });
  }
}

/**
 * Applies pending migrations in name order. Idempotent: applied ones are skipped (and their files
 * must be unchanged). Runs on one dedicated connection that holds the advisory lock throughout.
 */
export async function runMigrations(url: string, opts: RunMigrationsOptions = {}): Promise<MigrationResult> {
  const log = opts.log ?? (() => {});
  const files = await readMigrations(opts.migrationsDir ?? defaultMigrationsDir());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      LOCK_KEY,
    ]);
    if (!rows[0]?.locked) {
      log('another process is migrating this database; waiting for its lock');
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    }
    try {
      await ensureHistoryTable(client);
      const history = await readHistory(client);
      verifyHistory(files, history, log);
      const done = new Set(history.filter((h) => h.finished && !h.rolledBack).map((h) => h.migrationName));
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const file of files) {
        if (done.has(file.name)) {
          result.alreadyApplied.push(file.name);
          continue;
        }
        log(`applying ${file.name}`);
        await applyOne(client, file);
        result.applied.push(file.name);
      }
      log(
        result.applied.length
          ? `applied ${result.applied.length} migration(s)`
          : `database is up to date (${result.alreadyApplied.length} migration(s) applied)`,
      );
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
