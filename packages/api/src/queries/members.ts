/**
 * Workspace membership writes. Each checks "a workspace keeps at least one owner" in the same
 * statement that changes the row. One statement is not enough against concurrent writes: under
 * READ COMMITTED two owners demoting each other at once each count the other still an owner and
 * both commit. So every change first takes the workspace's membership lock (`lockMembership`,
 * in the write's transaction): changes of one workspace run one after another, and each
 * statement counts the owners the previous change left.
 */
import { Prisma, type PrismaClient, type WorkspaceRole } from '@stash/db';

/** A client or the transaction a write runs in (writeThenInvalidate). */
type Db = PrismaClient | Prisma.TransactionClient;

export interface MemberRef {
  workspaceId: number;
  userId: number;
}

/** False when the user already is a member (nothing changed). */
export async function addMember(prisma: Db, ref: MemberRef & { role: WorkspaceRole }): Promise<boolean> {
  const inserted = await prisma.$executeRaw`
    INSERT INTO workspace_members (workspace_id, user_id, role)
    VALUES (${ref.workspaceId}, ${ref.userId}, ${ref.role}::"WorkspaceRole")
    ON CONFLICT (workspace_id, user_id) DO NOTHING`;
  return inserted === 1;
}

// True when the row is not the workspace's only owner.
const NOT_LAST_OWNER = (workspaceId: number) => Prisma.sql`
  (role <> 'OWNER' OR (SELECT count(*) FROM workspace_members o
     WHERE o.workspace_id = ${workspaceId} AND o.role = 'OWNER') > 1)`;

/**
 * Locks the workspace row (`FOR NO KEY UPDATE`: membership changes of this workspace wait for
 * each other, while inserts that only reference the workspace, like installs, do not) until
 * the transaction ends; then the member's current role, read under that lock (null: none).
 */
export async function lockMembership(
  tx: Prisma.TransactionClient,
  ref: MemberRef,
): Promise<WorkspaceRole | null> {
  await tx.$queryRaw`SELECT id FROM workspaces WHERE id = ${ref.workspaceId} FOR NO KEY UPDATE`;
  const member = await tx.workspaceMember.findUnique({
    where: { workspaceId_userId: { workspaceId: ref.workspaceId, userId: ref.userId } },
    select: { role: true },
  });
  return member?.role ?? null;
}

export type MemberChange = 'done' | 'not-member' | 'last-owner';

async function outcome(prisma: Db, ref: MemberRef, changed: number): Promise<MemberChange> {
  if (changed === 1) return 'done';
  const exists = await prisma.workspaceMember.findUnique({
    where: { workspaceId_userId: { workspaceId: ref.workspaceId, userId: ref.userId } },
    select: { role: true },
  });
  return exists ? 'last-owner' : 'not-member';
}

/** Removes a member (or lets one leave); the last owner cannot go. */
export async function removeMember(prisma: Db, ref: MemberRef): Promise<MemberChange> {
  const changed = await prisma.$executeRaw`
    DELETE FROM workspace_members
    WHERE workspace_id = ${ref.workspaceId} AND user_id = ${ref.userId} AND ${NOT_LAST_OWNER(ref.workspaceId)}`;
  return outcome(prisma, ref, changed);
}

/** Changes a member's role; the last owner cannot be demoted. */
export async function setMemberRole(
  prisma: Db,
  ref: MemberRef & { role: WorkspaceRole },
): Promise<MemberChange> {
  const changed = await prisma.$executeRaw`
    UPDATE workspace_members SET role = ${ref.role}::"WorkspaceRole"
    WHERE workspace_id = ${ref.workspaceId} AND user_id = ${ref.userId}
      AND (${ref.role} = 'OWNER' OR ${NOT_LAST_OWNER(ref.workspaceId)})`;
  return outcome(prisma, ref, changed);
}
