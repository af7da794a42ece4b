import { agentIdSchema, workspaceIdSchema } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authorizeOwnData, authorizeWorkspaceRead } from '../auth/membership';
import { cachedProcedure } from '../caching/cached-procedure';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import {
  installedAgentIds,
  workspacesOf,
  workspacesWithAgent,
  workspaceWithInstalls,
} from '../queries/workspaces';

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
    }),

  byId: cachedProcedure({ scope: 'user', ttl: TTL.workspaces, tags: ['workspace', 'agent'] })
    .input(byIdInput)
    .authorize(authorizeWorkspaceRead)
    .query(
      async ({ ctx, input }) => {
        const workspace = await workspaceWithInstalls(ctx.prisma, input.workspaceId);
        if (!workspace) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such workspace.' });
        const me = workspace.members.find((m) => m.user.id === ctx.session.userId);
        return { ...workspace, myRole: me?.role ?? null };
      },
      {
        fromInput: (input) => [tags.workspace(input.workspaceId)],
        fromOutput: (ws) => ws.installs.map((i) => tags.agent(i.agent.id)),
      },
    ),

  installState: cachedProcedure({ scope: 'user', ttl: TTL.workspaces, tags: ['workspace'] })
    .input(installStateInput)
    .authorize(authorizeWorkspaceRead)
    .query(
      async ({ ctx, input }) => ({
        workspaceId: input.workspaceId,
        installed: await installedAgentIds(ctx.prisma, input.workspaceId, input.agentIds),
      }),
      { fromInput: (input) => [tags.workspace(input.workspaceId)] },
    ),

  /**
   * Which of my workspaces have this agent (the agent page's "Installed in"). Any install or
   * uninstall of the agent hard-invalidates `agent:{id}`, a membership change the caller's
   * membership list: its entries, and the browsers showing it, follow both with no client code.
   */
  installedIn: cachedProcedure({ scope: 'user', ttl: TTL.workspaces, tags: ['agent', 'userMemberships'] })
    .input(z.object({ agentId: agentIdSchema }))
    .authorize(authorizeOwnData)
    .query(({ ctx, input }) => workspacesWithAgent(ctx.prisma, ctx.session.userId, input.agentId), {
      fromInput: (input, ctx) => [tags.agent(input.agentId), tags.userMemberships(ctx.session.userId)],
    }),
} satisfies TRPCRouterRecord;
