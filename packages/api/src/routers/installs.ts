import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import { liveWrite, writeThenInvalidate } from '../caching/invalidate';
import { agentInstallCount, workspaceInstalls } from '../caching/live';
import type { Tx } from '../caching/outbox';
import { type InstallChange, installAgent, uninstallAgent } from '../queries/installs';
import { workspaceInstallRows } from '../queries/live';
import { protectedProcedure } from '../trpc';

const installInput = z.object({
  workspaceId: workspaceIdSchema,
  agentId: agentIdSchema,
});

type InstallInput = z.infer<typeof installInput>;

/**
 * An install changes two live facts and nothing else: the agent's count and the workspace's
 * installs. Both are written through (read here, in the transaction): every page that shows
 * them keeps its cached skeleton, and the next read anywhere shows the write.
 */
async function writeThroughOf(tx: Tx, input: InstallInput, change: InstallChange | null) {
  if (!change) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such agent.' });
  return {
    result: change,
    invalidate: {},
    writeThrough: [
      liveWrite(agentInstallCount, input.agentId, change.installCount),
      liveWrite(workspaceInstalls, input.workspaceId, await workspaceInstallRows(tx, input.workspaceId)),
    ],
  };
}

export const installsRouter = {
  /** Idempotent: installing an installed agent changes nothing and is not an error. */
  install: protectedProcedure.input(installInput).mutation(async ({ ctx, input }) => {
    await requireMemberFresh(ctx, input.workspaceId);
    const change = await writeThenInvalidate(ctx, 'installs.install', async (tx) =>
      writeThroughOf(tx, input, await installAgent(tx, { ...input, userId: ctx.session.userId })),
    );
    return { ...input, installed: true, ...change };
  }),

  /** Idempotent like install: removing an absent install is a no-op. */
  uninstall: protectedProcedure.input(installInput).mutation(async ({ ctx, input }) => {
    await requireMemberFresh(ctx, input.workspaceId);
    const change = await writeThenInvalidate(ctx, 'installs.uninstall', async (tx) =>
      writeThroughOf(tx, input, await uninstallAgent(tx, input)),
    );
    return { ...input, installed: false, ...change };
  }),
} satisfies TRPCRouterRecord;
