import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authorizeOwnData, authorizeWorkspaceRead } from '../auth/membership';
import { cachedProcedure } from '../caching/cached-procedure';
import { readLive, withLiveInstallCounts, workspaceInstalls } from '../caching/live';
import { worstStatus } from '../caching/overlay';
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
  mine: cachedProcedure({ scope: 'user', ttl: TTL.workspaces, tags: ['userMemberships', 'workspace'] })
    .authorize(authorizeOwnData)
    .query(({ ctx }) => workspacesOf(ctx.prisma, ctx.session.userId), {
      fromInput: (_input, ctx) => [tags.userMemberships(ctx.session.userId)],
      fromOutput: (list) => list.map((w) => tags.workspace(w.id)),
      // Install counts come from each workspace's live installs: installs do not evict this.
      live: async (list, ctx) => {
        const installed = await readLive(
          ctx,
          workspaceInstalls,
          list.map((w) => w.id),
        );
        const value = list.map((w) => ({
          ...w,
          installCount: installed.values.get(w.id)?.length ?? w.installCount,
        }));
        return { value, status: installed.status, tags: installed.tags };
      },
    }),

  // v2: installs are no longer part of the cached entry (they are live).
  byId: cachedProcedure({ scope: 'user', ttl: TTL.workspaces, version: 'v2', tags: ['workspace'] })
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
        fromInput: (input) => [tags.workspace(input.workspaceId)],
        // The workspace and its members are cached; its installs and their counts are live.
        live: async (workspace, ctx) => {
          const installed = await readLive(ctx, workspaceInstalls, [workspace.id]);
          const rows = installed.values.get(workspace.id) ?? [];
          const counted = await withLiveInstallCounts(
            ctx,
            rows.map((row) => row.agent),
          );
          const installs = rows.map((row, i) => ({ ...row, agent: counted.cards[i] ?? row.agent }));
          return {
            value: { ...workspace, installs },
            status: worstStatus([installed.status, counted.status]),
            tags: [...installed.tags, ...counted.tags],
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
      const live = await readLive(ctx, workspaceInstalls, [input.workspaceId]);
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
  installedIn: cachedProcedure({ scope: 'user', ttl: TTL.workspaces, tags: ['userMemberships', 'workspace'] })
    .input(z.object({ agentId: agentIdSchema }))
    .authorize(authorizeOwnData)
    .query(
      async ({ ctx }) =>
        (await workspacesOf(ctx.prisma, ctx.session.userId)).map((w) => ({ id: w.id, name: w.name })),
      {
        fromInput: (_input, ctx) => [tags.userMemberships(ctx.session.userId)],
        fromOutput: (mine) => mine.map((w) => tags.workspace(w.id)),
        live: async (mine, ctx, input) => {
          const installed = await readLive(
            ctx,
            workspaceInstalls,
            mine.map((w) => w.id),
          );
          const has = (id: number) =>
            (installed.values.get(id) ?? []).some((row) => row.agent.id === input.agentId);
          return { value: mine.filter((w) => has(w.id)), status: installed.status, tags: installed.tags };
        },
      },
    ),
} satisfies TRPCRouterRecord;
