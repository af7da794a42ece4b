import type { PrismaClient, WorkspaceRole } from '@stash/db';

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

/** The workspace page's slow-changing part; its installs are a live fact (queries/live.ts). */
export async function workspaceWithMembers(prisma: PrismaClient, workspaceId: number) {
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
    },
  });
}
