import type { PrismaClient, WorkspaceRole } from '@stash/db';
import { agentCardSelect } from './agents';

export interface Membership {
  workspaceId: number;
  role: WorkspaceRole;
}

export async function membershipsOf(prisma: PrismaClient, userId: number): Promise<Membership[]> {
  return prisma.workspaceMember.findMany({
    where: { userId },
    select: { workspaceId: true, role: true },
    orderBy: { workspaceId: 'asc' },
  });
}

export async function workspacesOf(prisma: PrismaClient, userId: number) {
  const rows = await prisma.workspaceMember.findMany({
    where: { userId },
    orderBy: { workspaceId: 'asc' },
    select: {
      role: true,
      workspace: {
        select: {
          id: true,
          slug: true,
          name: true,
          _count: { select: { members: true, installs: true } },
        },
      },
    },
  });
  return rows.map(({ role, workspace }) => ({
    id: workspace.id,
    slug: workspace.slug,
    name: workspace.name,
    role,
    memberCount: workspace._count.members,
    installCount: workspace._count.installs,
  }));
}

export async function workspaceWithInstalls(prisma: PrismaClient, workspaceId: number) {
  return prisma.workspace.findUnique({
    where: { id: workspaceId },
    select: {
      id: true,
      slug: true,
      name: true,
      createdAt: true,
      members: {
        orderBy: { userId: 'asc' },
        select: { role: true, user: { select: { id: true, name: true } } },
      },
      installs: {
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: {
          createdAt: true,
          installedBy: { select: { id: true, name: true } },
          agent: { select: agentCardSelect },
        },
      },
    },
  });
}

export async function installedAgentIds(prisma: PrismaClient, workspaceId: number, agentIds: number[]) {
  const rows = await prisma.agentInstall.findMany({
    where: { workspaceId, agentId: { in: agentIds } },
    select: { agentId: true },
  });
  return rows.map((r) => r.agentId).sort((a, b) => a - b);
}

/** The caller's workspaces that have this agent installed. */
export async function workspacesWithAgent(prisma: PrismaClient, userId: number, agentId: number) {
  return prisma.workspace.findMany({
    where: { members: { some: { userId } }, installs: { some: { agentId } } },
    orderBy: { id: 'asc' },
    select: { id: true, name: true },
  });
}
