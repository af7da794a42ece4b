import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import { invalidate } from '../caching/invalidate';
import { tags } from '../caching/tags';
import type { Context } from '../context';
import { type InstallChange, installAgent, uninstallAgent } from '../queries/installs';
import { protectedProcedure } from '../trpc';

const installInput = z.object({
  workspaceId: workspaceIdSchema,
  agentId: agentIdSchema,
});

type InstallInput = z.infer<typeof installInput>;

/** Detail and workspace hard (gone now); marketplace lists soft, so a burst keeps them warm. */
async function afterChange(
  ctx: Context,
  mutation: 'installs.install' | 'installs.uninstall',
  input: InstallInput,
  change: InstallChange | null,
): Promise<InstallChange> {
  if (!change) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such agent.' });
  await invalidate(ctx, mutation, {
    hard: [tags.agent(input.agentId), tags.workspace(input.workspaceId)],
    soft: [tags.marketplaceLists()],
  });
  return change;
}

export const installsRouter = {
  /** Idempotent: installing an installed agent changes nothing and is not an error. */
  install: protectedProcedure.input(installInput).mutation(async ({ ctx, input }) => {
    await requireMemberFresh(ctx, input.workspaceId);
    const change = await installAgent(ctx.prisma, { ...input, userId: ctx.session.userId });
    return { ...input, installed: true, ...(await afterChange(ctx, 'installs.install', input, change)) };
  }),

  /** Idempotent like install: removing an absent install is a no-op. */
  uninstall: protectedProcedure.input(installInput).mutation(async ({ ctx, input }) => {
    await requireMemberFresh(ctx, input.workspaceId);
    const change = await uninstallAgent(ctx.prisma, input);
    return { ...input, installed: false, ...(await afterChange(ctx, 'installs.uninstall', input, change)) };
  }),
} satisfies TRPCRouterRecord;
