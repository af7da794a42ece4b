/**
 * Install and uninstall as single SQL statements: the install row and the agent's counter change
 * atomically in one round trip, and concurrent calls cannot double-count (ON CONFLICT DO NOTHING;
 * the counter moves by exactly the number of rows inserted or deleted).
 */
import type { Prisma, PrismaClient } from '@stash/db';

type Db = PrismaClient | Prisma.TransactionClient;

export interface InstallChange {
  /** False when the agent was already (un)installed: the call changed nothing. */
  changed: boolean;
  installCount: number;
}

type Row = { install_count: number; changed: number };

function toChange(rows: Row[]): InstallChange | null {
  const row = rows[0];
  return row ? { changed: row.changed === 1, installCount: row.install_count } : null;
}

/** Null when the agent does not exist or is not published. */
export async function installAgent(
  prisma: Db,
  input: { workspaceId: number; agentId: number; userId: number },
): Promise<InstallChange | null> {
  const rows = await prisma.$queryRaw<Row[]>`
    WITH target AS (
      SELECT id FROM agents WHERE id = ${input.agentId} AND published
    ), inserted AS (
      INSERT INTO agent_installs (agent_id, workspace_id, installed_by_id)
      SELECT id, ${input.workspaceId}, ${input.userId} FROM target
      ON CONFLICT (workspace_id, agent_id) DO NOTHING
      RETURNING agent_id
    )
    UPDATE agents SET install_count = install_count + (SELECT count(*) FROM inserted)
    WHERE id IN (SELECT id FROM target)
    RETURNING install_count, (SELECT count(*) FROM inserted)::int AS changed`;
  return toChange(rows);
}

/** Null when the agent does not exist. */
export async function uninstallAgent(
  prisma: Db,
  input: { workspaceId: number; agentId: number },
): Promise<InstallChange | null> {
  const rows = await prisma.$queryRaw<Row[]>`
    WITH removed AS (
      DELETE FROM agent_installs
      WHERE workspace_id = ${input.workspaceId} AND agent_id = ${input.agentId}
      RETURNING agent_id
    )
    UPDATE agents SET install_count = install_count - (SELECT count(*) FROM removed)
    WHERE id = ${input.agentId}
    RETURNING install_count, (SELECT count(*) FROM removed)::int AS changed`;
  return toChange(rows);
}
