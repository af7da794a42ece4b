/** PostgreSQL is the source of truth: settles unknown write outcomes and checks the end state. */
import type { PrismaClient } from '@stash/db';
import type { AgentHistory } from './oracle';

export interface AgentState {
  count: number;
  installedIn: ReadonlySet<number>;
}

export async function agentState(prisma: PrismaClient, agentId: number): Promise<AgentState> {
  const [agent, installs] = await Promise.all([
    prisma.agent.findUniqueOrThrow({ where: { id: agentId }, select: { installCount: true } }),
    prisma.agentInstall.findMany({ where: { agentId }, select: { workspaceId: true } }),
  ]);
  return { count: agent.installCount, installedIn: new Set(installs.map((i) => i.workspaceId)) };
}

const sameSet = (a: ReadonlySet<number>, b: ReadonlySet<number>) =>
  a.size === b.size && [...a].every((x) => b.has(x));

/** Agents whose final state in PostgreSQL differs from the oracle's last version. */
export async function compareWithDatabase(
  prisma: PrismaClient,
  histories: Map<number, AgentHistory>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [agentId, h] of histories) {
    const db = await agentState(prisma, agentId);
    const { count, installedIn } = h.latest;
    if (db.count !== count || !sameSet(db.installedIn, installedIn)) {
      problems.push(
        `agent ${agentId}: PostgreSQL has count ${db.count} in [${[...db.installedIn]}], oracle ${count} in [${[...installedIn]}]`,
      );
    }
  }
  return problems;
}

/**
 * The oracle's self-check: an install/uninstall written straight into PostgreSQL, with no
 * invalidation, as if a mutation "forgot" its cache. Reads after it must be flagged as wrong.
 */
export async function writeBehindTheCache(
  prisma: PrismaClient,
  w: { workspaceId: number; agentId: number; userId: number; install: boolean },
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const changed = w.install
      ? await tx.$executeRaw`INSERT INTO agent_installs (agent_id, workspace_id, installed_by_id)
          VALUES (${w.agentId}, ${w.workspaceId}, ${w.userId}) ON CONFLICT (workspace_id, agent_id) DO NOTHING`
      : await tx.$executeRaw`DELETE FROM agent_installs WHERE workspace_id = ${w.workspaceId} AND agent_id = ${w.agentId}`;
    await tx.$executeRaw`UPDATE agents SET install_count = install_count + ${w.install ? changed : -changed}
      WHERE id = ${w.agentId}`;
  });
}
