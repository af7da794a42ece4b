import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authorizeOwnData, authorizeWorkspaceRead } from '../auth/membership';
import { cached } from '../caching/cached';
import { readLive, withLiveInstallCounts, workspaceInstalls, worstStatus } from '../caching/live';
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
  mine: protectedProcedure.query(
    cached(({ ctx }) => workspacesOf(ctx.prisma, ctx.session.userId), {
      path: 'workspaces.mine',
      version: 'v1',
      ttlMs: TTL.workspaces,
      scope: 'user',
      authorize: authorizeOwnData,
      // Install counts come from each workspace's live installs: installs do not evict this.
      live: async (list, ctx) => {
        const { values, status } = await readLive(
          ctx,
          workspaceInstalls,
          list.map((w) => w.id),
        );
        const value = list.map((w) => ({ ...w, installCount: values.get(w.id)?.length ?? w.installCount }));
        return { value, status };
      },
      tags: (_input, ctx) => [tags.userMemberships(ctx.session.userId)],
      tagsFromOutput: (list) => list.map((w) => tags.workspace(w.id)),
      tagKinds: ['userMemberships', 'workspace'],
    }),
  ),

  byId: protectedProcedure.input(byIdInput).query(
    cached(
      async ({ ctx, input }) => {
        const workspace = await workspaceWithMembers(ctx.prisma, input.workspaceId);
        if (!workspace) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such workspace.' });
        const me = workspace.members.find((m) => m.user.id === ctx.session.userId);
        return { ...workspace, myRole: me?.role ?? null, installs: [] as WorkspaceInstall[] };
      },
      {
        path: 'workspaces.byId',
        // v2: installs are no longer part of the cached entry (they are live).
        version: 'v2',
        ttlMs: TTL.workspaces,
        scope: 'user',
        authorize: authorizeWorkspaceRead,
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
          };
        },
        tags: (input) => [tags.workspace(input.workspaceId)],
        tagKinds: ['workspace'],
      },
    ),
  ),

  /**
   * Which of these agents the workspace has: answered from the workspace's live installs (one
   * cached fact per workspace, written through by installs) instead of one entry per page of ids.
   */
  installState: protectedProcedure.input(installStateInput).query(async ({ ctx, input, path }) => {
    await authorizeWorkspaceRead(ctx, input);
    const { values, status } = await readLive(ctx, workspaceInstalls, [input.workspaceId]);
    const installed = new Set((values.get(input.workspaceId) ?? []).map((row) => row.agent.id));
    ctx.cacheReport.set(path, status);
    return { workspaceId: input.workspaceId, installed: input.agentIds.filter((id) => installed.has(id)) };
  }),
} satisfies TRPCRouterRecord;
