import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import { writeThenInvalidate } from '../caching/invalidate';
import { tags } from '../caching/tags';
import { type InstallChange, installAgent, uninstallAgent } from '../queries/installs';
import { protectedProcedure } from '../trpc';

const installInput = z.object({
  workspaceId: workspaceIdSchema,
  agentId: agentIdSchema,
});

type InstallInput = z.infer<typeof installInput>;

/** Detail and workspace hard (gone now); marketplace lists soft (coalesced, see policy.ts). */
function invalidationOf(input: InstallInput, change: InstallChange | null) {
  if (!change) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such agent.' });
  return {
    result: change,
    invalidate: {
      hard: [tags.agent(input.agentId), tags.workspace(input.workspaceId)],
      soft: [tags.marketplaceLists()],
    },
  };
}

export const installsRouter = {
  /** Idempotent: installing an installed agent changes nothing and is not an error. */
  install: protectedProcedure.input(installInput).mutation(async ({ ctx, input }) => {
    await requireMemberFresh(ctx, input.workspaceId);
    const change = await writeThenInvalidate(ctx, 'installs.install', async (tx) =>
      invalidationOf(input, await installAgent(tx, { ...input, userId: ctx.session.userId })),
    );
    return { ...input, installed: true, ...change };
  }),

  /** Idempotent like install: removing an absent install is a no-op. */
  uninstall: protectedProcedure.input(installInput).mutation(async ({ ctx, input }) => {
    await requireMemberFresh(ctx, input.workspaceId);
    const change = await writeThenInvalidate(ctx, 'installs.uninstall', async (tx) =>
      invalidationOf(input, await uninstallAgent(tx, input)),
    );
    return { ...input, installed: false, ...change };
  }),
} satisfies TRPCRouterRecord;
