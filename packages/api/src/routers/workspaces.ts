import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authorizeOwnData, authorizeWorkspaceRead } from '../auth/membership';
import { cached } from '../caching/cached';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import { installedAgentIds, workspacesOf, workspaceWithInstalls } from '../queries/workspaces';
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
      tags: (_input, ctx) => [tags.userMemberships(ctx.session.userId)],
      tagsFromOutput: (list) => list.map((w) => tags.workspace(w.id)),
      tagKinds: ['userMemberships', 'workspace'],
    }),
  ),

  byId: protectedProcedure.input(byIdInput).query(
    cached(
      async ({ ctx, input }) => {
        const workspace = await workspaceWithInstalls(ctx.prisma, input.workspaceId);
        if (!workspace) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such workspace.' });
        const me = workspace.members.find((m) => m.user.id === ctx.session.userId);
        return { ...workspace, myRole: me?.role ?? null };
      },
      {
        path: 'workspaces.byId',
        version: 'v1',
        ttlMs: TTL.workspaces,
        scope: 'user',
        authorize: authorizeWorkspaceRead,
        tags: (input) => [tags.workspace(input.workspaceId)],
        tagsFromOutput: (ws) => ws.installs.map((i) => tags.agent(i.agent.id)),
        tagKinds: ['workspace', 'agent'],
      },
    ),
  ),

  installState: protectedProcedure.input(installStateInput).query(
    cached(
      async ({ ctx, input }) => ({
        workspaceId: input.workspaceId,
        installed: await installedAgentIds(ctx.prisma, input.workspaceId, input.agentIds),
      }),
      {
        path: 'workspaces.installState',
        version: 'v1',
        ttlMs: TTL.workspaces,
        scope: 'user',
        authorize: authorizeWorkspaceRead,
        tags: (input) => [tags.workspace(input.workspaceId)],
        tagKinds: ['workspace'],
      },
    ),
  ),
} satisfies TRPCRouterRecord;
