import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authorizeOwnData, authorizeWorkspaceRead } from '../auth/membership';
import { caching } from '../caching/caching';
import { withLiveInstallCounts, workspaceInstalls } from '../caching/live';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import type { WorkspaceInstall } from '../queries/live';
import { workspacesOf, workspaceWithMembers } from '../queries/workspaces';
import { protectedProcedure } from '../trpc';

const byIdInput = z.object({ workspaceId: workspaceIdSchema });

const installStateInput = z.object({
  workspaceId: workspaceIdSchema,
  // Sorted and de-duplicated so [2,1,1] and [1,2] share one cache entry.
  agentIds: z
    .array(agentIdSchema)
    .min(1, 'Pass at least one agent id')
    .max(100, 'At most 100 agent ids per call')
    .transform((ids) => [...new Set(ids)].sort((a, b) => a - b)),
});

export const workspacesRouter = {
  mine: caching
    .query({ scope: 'user', ttl: TTL.workspaces })
    .authorize(authorizeOwnData)
    .query(({ ctx }) => workspacesOf(ctx.prisma, ctx.session.userId), {
      tags: [
        { tag: tags.userMemberships, fromInput: (_input, ctx) => ctx.session.userId },
        { tag: tags.workspace, fromOutput: (list) => list.map((w) => w.id) },
      ],
      // Install counts come from each workspace's live installs: installs do not evict this.
      live: async (list, { read }) => {
        const installed = await read(
          workspaceInstalls,
          list.map((w) => w.id),
        );
        return list.map((w) => ({ ...w, installCount: installed.get(w.id)?.length ?? w.installCount }));
      },
    }),

  // v2: installs are no longer part of the cached entry (they are live).
  byId: caching
    .query({ scope: 'user', ttl: TTL.workspaces, version: 'v2' })
    .input(byIdInput)
    .authorize(authorizeWorkspaceRead)
    .query(
      async ({ ctx, input }) => {
        const workspace = await workspaceWithMembers(ctx.prisma, input.workspaceId);
        if (!workspace) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such workspace.' });
        const me = workspace.members.find((m) => m.user.id === ctx.session.userId);
        return { ...workspace, myRole: me?.role ?? null, installs: [] as WorkspaceInstall[] };
      },
      {
        tags: [{ tag: tags.workspace, fromInput: (input) => input.workspaceId }],
        // The workspace and its members are cached; its installs and their counts are live.
        live: async (workspace, { read }) => {
          const rows = (await read(workspaceInstalls, [workspace.id])).get(workspace.id) ?? [];
          const counted = await withLiveInstallCounts(
            read,
            rows.map((row) => row.agent),
          );
          return {
            ...workspace,
            installs: rows.map((row, i) => ({ ...row, agent: counted[i] ?? row.agent })),
          };
        },
      },
    ),

  /**
   * Which of these agents the workspace has: answered from the workspace's live installs (one
   * cached fact per workspace, written through by installs) instead of one entry per page of ids.
   */
  installState: protectedProcedure
    .input(installStateInput)
    .query(async ({ ctx, input, path, batchIndex }) => {
      await authorizeWorkspaceRead(ctx, input);
      const live = await caching.readLive(ctx, workspaceInstalls, [input.workspaceId]);
      const installed = new Set((live.values.get(input.workspaceId) ?? []).map((row) => row.agent.id));
      ctx.cacheReport.record({ path, batchIndex: batchIndex ?? 0, status: live.status, tags: live.tags });
      return { workspaceId: input.workspaceId, installed: input.agentIds.filter((id) => installed.has(id)) };
    }),

  /**
   * Which of my workspaces have this agent (the agent page's "Installed in"): my workspaces are
   * cached, whether each has the agent comes from its live installs. An install or uninstall
   * writes those through, a membership change invalidates my list: its entries, and the browsers
   * showing it, follow both with no client code.
   */
  installedIn: caching
    .query({ scope: 'user', ttl: TTL.workspaces })
    .input(z.object({ agentId: agentIdSchema }))
    .authorize(authorizeOwnData)
    .query(
      async ({ ctx }) =>
        (await workspacesOf(ctx.prisma, ctx.session.userId)).map((w) => ({ id: w.id, name: w.name })),
      {
        tags: [
          { tag: tags.userMemberships, fromInput: (_input, ctx) => ctx.session.userId },
          { tag: tags.workspace, fromOutput: (mine) => mine.map((w) => w.id) },
        ],
        live: async (mine, { input, read }) => {
          const installed = await read(
            workspaceInstalls,
            mine.map((w) => w.id),
          );
          const has = (id: number) => (installed.get(id) ?? []).some((row) => row.agent.id === input.agentId);
          return mine.filter((w) => has(w.id));
        },
      },
    ),
} satisfies TRPCRouterRecord;
