/**
 * Workspace authorization. Reads go through a cached, user-scoped membership list so that a
 * cache hit on a workspace page still authorizes without SQL; writes check the database.
 */
import type { WorkspaceRole } from '@stash/db';
import { toMs } from '@stash/trpc-cache';
import { TRPCError } from '@trpc/server';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import type { Context } from '../context';
import { membershipsOf } from '../queries/workspaces';
import { cachedUserFact } from './auth-cache';

function notFound(): TRPCError {
  // NOT_FOUND rather than FORBIDDEN: non-members cannot even learn that the workspace exists.
  return new TRPCError({ code: 'NOT_FOUND', message: 'No such workspace.' });
}

function requireSession(ctx: Context) {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do this.' });
  return ctx.session;
}

/** Its cache namespace, listed in the registry (cache-registry.ts). */
export const MEMBERSHIPS = 'auth.memberships';

/** For reads: the caller's role in the workspace, from the membership cache. */
export async function requireMemberCached(ctx: Context, workspaceId: number): Promise<WorkspaceRole> {
  const { userId } = requireSession(ctx);
  // Authorization must see a revoked membership on every instance at once: Redis only.
  const memberships = await cachedUserFact(
    ctx,
    { path: MEMBERSHIPS, userId, tag: tags.userMemberships(userId), ttlMs: toMs(TTL.workspaces) },
    (prisma) => membershipsOf(prisma, userId),
  );
  const membership = memberships.find((m) => m.workspaceId === workspaceId);
  if (!membership) throw notFound();
  return membership.role;
}

/** For writes: checked against the database, never the cache. */
export async function requireMemberFresh(ctx: Context, workspaceId: number): Promise<WorkspaceRole> {
  const { userId } = requireSession(ctx);
  const membership = await ctx.prisma.workspaceMember.findUnique({
    where: { workspaceId_userId: { workspaceId, userId } },
    select: { role: true },
  });
  if (!membership) throw notFound();
  return membership.role;
}

/**
 * `authorize` for cached reads of the caller's own data (their workspace list): being signed in,
 * which a user-scoped procedure already requires, is the whole check. Named so the policy says so.
 */
export async function authorizeOwnData(): Promise<void> {}

/** `authorize` for cached reads whose input names a workspace. */
export async function authorizeWorkspaceRead<TInput extends { workspaceId: number }>(
  ctx: Context,
  input: TInput,
): Promise<void> {
  await requireMemberCached(ctx, input.workspaceId);
}
