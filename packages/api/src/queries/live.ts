/** The live facts' database reads (caching/live.ts): run on a miss, and inside a write. */
import type { Prisma, PrismaClient } from '@stash/db';
import { agentCardSelect } from './card';

type Db = PrismaClient | Prisma.TransactionClient;

/** 0 for an agent that does not exist (nothing shows a count for it). */
export async function installCountOf(db: Db, agentId: number): Promise<number> {
  const agent = await db.agent.findUnique({ where: { id: agentId }, select: { installCount: true } });
  return agent?.installCount ?? 0;
}

/** A workspace's installs, newest first, each with its agent's card (the workspace page's list). */
export async function workspaceInstallRows(db: Db, workspaceId: number) {
  return db.agentInstall.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: {
      createdAt: true,
      installedBy: { select: { id: true, name: true } },
      agent: { select: agentCardSelect },
    },
  });
}

export type WorkspaceInstall = Awaited<ReturnType<typeof workspaceInstallRows>>[number];
