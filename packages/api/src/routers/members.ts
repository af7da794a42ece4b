/**
 * Workspace members: an owner adds and removes members and changes roles; any member can leave.
 * A workspace always keeps at least one owner. Every change invalidates the affected user's
 * cached membership list (what authorization reads, Redis only) and the workspace's entries, so
 * a removed member is refused on their very next request, on every instance.
 */

import type { Write } from '@stash/trpc-cache';
import { userIdSchema, workspaceIdSchema, workspaceRoleSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import type { Session } from '../auth/session';
import { caching } from '../caching/caching';
import type { Tx } from '../caching/outbox';
import { tags } from '../caching/tags';
import type { Context } from '../context';
import {
  addMember,
  lockMembership,
  type MemberChange,
  type MemberRef,
  removeMember,
  setMemberRole,
} from '../queries/members';
import { protectedProcedure } from '../trpc';

const memberRef = z.object({ workspaceId: workspaceIdSchema, userId: userIdSchema });

const onlyOwners = () => new TRPCError({ code: 'FORBIDDEN', message: 'Only an owner can manage members.' });

/** Before any work: a caller who is not an owner is refused without a transaction. */
async function requireOwner(ctx: Context, workspaceId: number): Promise<void> {
  if ((await requireMemberFresh(ctx, workspaceId)) !== 'OWNER') throw onlyOwners();
}

/**
 * Runs a membership write in a transaction with its invalidation (the member's cached
 * membership list and the workspace); a refused change throws, so nothing is recorded.
 * The workspace's membership lock is taken first (queries/members.ts): concurrent changes run
 * one after another, and the caller's own role is checked again under it, so an owner demoted
 * a moment ago by another owner can no longer act as one.
 */
async function changeMembers(
  { ctx, write: inTransaction }: { ctx: Context & { session: Session }; write: Write<Tx> },
  change: { ref: MemberRef; by: 'owner' | 'member' },
  write: (tx: Tx) => Promise<MemberChange>,
): Promise<void> {
  const { ref } = change;
  await inTransaction(async (tx, changed) => {
    const callerRole = await lockMembership(tx, { workspaceId: ref.workspaceId, userId: ctx.session.userId });
    if (change.by === 'owner' && callerRole !== 'OWNER') throw onlyOwners();
    const outcome = await write(tx);
    if (outcome === 'not-member') throw new TRPCError({ code: 'NOT_FOUND', message: 'No such member.' });
    if (outcome === 'last-owner') {
      throw new TRPCError({
        code: 'CONFLICT',
        message: 'A workspace needs an owner: make someone else an owner first.',
      });
    }
    changed.invalidate(tags.userMemberships(ref.userId), tags.workspace(ref.workspaceId));
    return outcome;
  });
}

/** Every membership change invalidates the member's membership list and the workspace. */
const memberWrite = () =>
  caching.mutation({ procedure: protectedProcedure, invalidates: [tags.userMemberships, tags.workspace] });

export const membersRouter = {
  add: memberWrite()
    .input(
      z.object({
        workspaceId: workspaceIdSchema,
        email: z.email('Enter a valid email address').max(200).toLowerCase(),
        role: workspaceRoleSchema.default('MEMBER'),
      }),
    )
    .mutation(async (call) => {
      const { ctx, input } = call;
      await requireOwner(ctx, input.workspaceId);
      const user = await ctx.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'No user with that email.' });
      const ref = { workspaceId: input.workspaceId, userId: user.id };
      await changeMembers(call, { ref, by: 'owner' }, async (tx) => {
        if (await addMember(tx, { ...ref, role: input.role })) return 'done';
        throw new TRPCError({ code: 'CONFLICT', message: 'Already a member of this workspace.' });
      });
      return { ...ref, role: input.role };
    }),

  remove: memberWrite()
    .input(memberRef)
    .mutation(async (call) => {
      const { ctx, input } = call;
      await requireOwner(ctx, input.workspaceId);
      await changeMembers(call, { ref: input, by: 'owner' }, (tx) => removeMember(tx, input));
      return { ...input, removed: true };
    }),

  setRole: memberWrite()
    .input(memberRef.extend({ role: workspaceRoleSchema }))
    .mutation(async (call) => {
      const { ctx, input } = call;
      await requireOwner(ctx, input.workspaceId);
      await changeMembers(call, { ref: input, by: 'owner' }, (tx) => setMemberRole(tx, input));
      return input;
    }),

  leave: memberWrite()
    .input(z.object({ workspaceId: workspaceIdSchema }))
    .mutation(async (call) => {
      const { ctx, input } = call;
      await requireMemberFresh(ctx, input.workspaceId);
      const ref = { workspaceId: input.workspaceId, userId: ctx.session.userId };
      await changeMembers(call, { ref, by: 'member' }, (tx) => removeMember(tx, ref));
      return { ...ref, removed: true };
    }),
} satisfies TRPCRouterRecord;
