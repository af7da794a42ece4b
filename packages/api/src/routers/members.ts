/**
 * Workspace members: an owner adds and removes members and changes roles; any member can leave.
 * A workspace always keeps at least one owner. Every change invalidates the affected user's
 * cached membership list (what authorization reads, Redis only) and the workspace's entries, so
 * a removed member is refused on their very next request, on every instance.
 */
import { userIdSchema, workspaceIdSchema, workspaceRoleSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import { invalidate, type MutationPath } from '../caching/invalidate';
import { tags } from '../caching/tags';
import type { Context } from '../context';
import {
  addMember,
  type MemberChange,
  type MemberRef,
  removeMember,
  setMemberRole,
} from '../queries/members';
import { protectedProcedure } from '../trpc';

const memberRef = z.object({ workspaceId: workspaceIdSchema, userId: userIdSchema });

async function requireOwner(ctx: Context, workspaceId: number): Promise<void> {
  if ((await requireMemberFresh(ctx, workspaceId)) !== 'OWNER') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an owner can manage members.' });
  }
}

/** Turns a refused change into its message, and invalidates what a change made stale. */
async function settle(ctx: Context, mutation: MutationPath, ref: MemberRef, change: MemberChange) {
  if (change === 'not-member') throw new TRPCError({ code: 'NOT_FOUND', message: 'No such member.' });
  if (change === 'last-owner') {
    throw new TRPCError({
      code: 'CONFLICT',
      message: 'A workspace needs an owner: make someone else an owner first.',
    });
  }
  await invalidate(ctx, mutation, {
    hard: [tags.userMemberships(ref.userId), tags.workspace(ref.workspaceId)],
  });
}

export const membersRouter = {
  add: protectedProcedure
    .input(
      z.object({
        workspaceId: workspaceIdSchema,
        email: z.email('Enter a valid email address').max(200).toLowerCase(),
        role: workspaceRoleSchema.default('MEMBER'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await requireOwner(ctx, input.workspaceId);
      const user = await ctx.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'No user with that email.' });
      const ref = { workspaceId: input.workspaceId, userId: user.id };
      if (!(await addMember(ctx.prisma, { ...ref, role: input.role }))) {
        throw new TRPCError({ code: 'CONFLICT', message: 'Already a member of this workspace.' });
      }
      await settle(ctx, 'members.add', ref, 'done');
      return { ...ref, role: input.role };
    }),

  remove: protectedProcedure.input(memberRef).mutation(async ({ ctx, input }) => {
    await requireOwner(ctx, input.workspaceId);
    await settle(ctx, 'members.remove', input, await removeMember(ctx.prisma, input));
    return { ...input, removed: true };
  }),

  setRole: protectedProcedure
    .input(memberRef.extend({ role: workspaceRoleSchema }))
    .mutation(async ({ ctx, input }) => {
      await requireOwner(ctx, input.workspaceId);
      await settle(ctx, 'members.setRole', input, await setMemberRole(ctx.prisma, input));
      return input;
    }),

  leave: protectedProcedure
    .input(z.object({ workspaceId: workspaceIdSchema }))
    .mutation(async ({ ctx, input }) => {
      await requireMemberFresh(ctx, input.workspaceId);
      const ref = { workspaceId: input.workspaceId, userId: ctx.session.userId };
      await settle(ctx, 'members.leave', ref, await removeMember(ctx.prisma, ref));
      return { ...ref, removed: true };
    }),
} satisfies TRPCRouterRecord;
