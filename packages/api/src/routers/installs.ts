import type { WriteRecorder } from '@stash/trpc-cache';
import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import { caching } from '../caching/caching';
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
async function writeThrough(
  tx: Tx,
  changed: WriteRecorder,
  input: InstallInput,
  change: InstallChange | null,
): Promise<InstallChange> {
  if (!change) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such agent.' });
  changed.writeThrough(agentInstallCount, input.agentId, change.installCount);
  changed.writeThrough(
    workspaceInstalls,
    input.workspaceId,
    await workspaceInstallRows(tx, input.workspaceId),
  );
  return change;
}

/**
 * Install and uninstall are one mutation with a different change: membership checked in the
 * database, the change and both live facts in one transaction, the facts written through.
 */
function installMutation(toggle: {
  installed: boolean;
  apply: (tx: Tx, input: InstallInput, userId: number) => Promise<InstallChange | null>;
}) {
  return caching
    .mutation({ procedure: protectedProcedure, writeThrough: [agentInstallCount, workspaceInstalls] })
    .input(installInput)
    .mutation(async ({ ctx, input, write }) => {
      await requireMemberFresh(ctx, input.workspaceId);
      const change = await write(async (tx, changed) =>
        writeThrough(tx, changed, input, await toggle.apply(tx, input, ctx.session.userId)),
      );
      return { ...input, installed: toggle.installed, ...change };
    });
}

export const installsRouter = {
  /** Idempotent: installing an installed agent changes nothing and is not an error. */
  install: installMutation({
    installed: true,
    apply: (tx, input, userId) => installAgent(tx, { ...input, userId }),
  }),

  /** Idempotent like install: removing an absent install is a no-op. */
  uninstall: installMutation({ installed: false, apply: (tx, input) => uninstallAgent(tx, input) }),
} satisfies TRPCRouterRecord;
