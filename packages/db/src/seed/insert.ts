import type { Prisma } from '../generated/prisma/client';

export type Column = readonly [name: string, sqlType: string];

/** Rows per INSERT: large enough to amortize round trips, small enough to keep each payload ~1 MB. */
const BATCH_ROWS = 2_000;

/**
 * Bulk insert: each batch travels as ONE JSON parameter that Postgres unpacks with
 * jsonb_to_recordset. That is one statement and one parameter per 2,000 rows (createMany would
 * bind rows x columns parameters), handles text[] and jsonb columns natively, and works the same
 * on PostgreSQL and PGlite. Explicit ids make the rows identical run to run; ON CONFLICT DO
 * NOTHING makes a repeated batch a no-op.
 */
export async function insertRows(
  tx: Prisma.TransactionClient,
  table: string,
  columns: readonly Column[],
  rows: readonly object[],
  onBatch?: (inserted: number) => void,
): Promise<number> {
  const names = columns.map(([name]) => `"${name}"`).join(', ');
  const recordType = columns.map(([name, type]) => `"${name}" ${type}`).join(', ');
  const sql =
    `INSERT INTO "${table}" (${names}) SELECT ${names} ` +
    `FROM jsonb_to_recordset($1::jsonb) AS r(${recordType}) ON CONFLICT DO NOTHING`;
  let inserted = 0;
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    inserted += await tx.$executeRawUnsafe(sql, JSON.stringify(batch));
    onBatch?.(start + batch.length);
  }
  return inserted;
}

/** Explicit ids bypass the serial sequences; move them past the seeded ids so app inserts work. */
export async function resetSequence(tx: Prisma.TransactionClient, table: string): Promise<void> {
  await tx.$executeRawUnsafe(
    `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM "${table}"`,
  );
}

export const COLUMNS = {
  users: [
    ['id', 'int'],
    ['email', 'text'],
    ['name', 'text'],
    ['password_hash', 'text'],
    ['created_at', 'timestamptz'],
  ],
  workspaces: [
    ['id', 'int'],
    ['slug', 'text'],
    ['name', 'text'],
    ['created_at', 'timestamptz'],
  ],
  workspace_members: [
    ['workspace_id', 'int'],
    ['user_id', 'int'],
    ['role', '"WorkspaceRole"'],
    ['joined_at', 'timestamptz'],
  ],
  agents: [
    ['id', 'int'],
    ['slug', 'text'],
    ['name', 'text'],
    ['description', 'text'],
    ['long_description', 'text'],
    ['version', 'text'],
    ['category', 'text'],
    ['tags', 'text[]'],
    ['author_id', 'int'],
    ['rating', 'float8'],
    ['rating_count', 'int'],
    ['install_count', 'int'],
    ['trending_score', 'float8'],
    ['published', 'boolean'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ],
  agent_installs: [
    ['id', 'int'],
    ['agent_id', 'int'],
    ['workspace_id', 'int'],
    ['installed_by_id', 'int'],
    ['created_at', 'timestamptz'],
  ],
  workflow_templates: [
    ['id', 'int'],
    ['slug', 'text'],
    ['name', 'text'],
    ['description', 'text'],
    ['category', 'text'],
    ['steps', 'jsonb'],
    ['author_id', 'int'],
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
  ],
} as const satisfies Record<string, readonly Column[]>;
