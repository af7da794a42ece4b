import { categorySchema, idSchema, text } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { cachedProcedure } from '../caching/cached-procedure';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import { categoryCounts, findAgent, SORTS, searchAgents } from '../queries/agents';
import { cursorSchema } from '../queries/cursor';

export const searchInput = z.object({
  query: text().trim().max(100, 'Search text is at most 100 characters').default(''),
  category: categorySchema.optional(),
  sortBy: z.enum(SORTS).default('trending'),
  limit: z.number().int().min(1).max(50).default(20),
  cursor: cursorSchema.optional(),
});

const agentRef = z.union([
  z.object({ id: idSchema }).strict(),
  z
    .object({
      slug: z
        .string()
        .trim()
        .min(1, 'Slug is required')
        .max(120)
        .regex(/^[a-z0-9-]+$/, 'Slug has only a-z, 0-9 and -'),
    })
    .strict(),
]);

// Lists stay a little past their TTL so a refresh never leaves users waiting on a popular page.
const LIST_GRACE = '1m';
// Installs soft-invalidate every list; a list refreshes at most this often because of them, so
// install counts and the installs sort in lists lag a write by at most this (plus one refresh).
const LIST_SOFT_REFRESH = '10s';

export const marketplaceRouter = {
  search: cachedProcedure({
    scope: 'public',
    ttl: TTL.marketplace,
    grace: LIST_GRACE,
    softLag: LIST_SOFT_REFRESH,
    l1: true,
    tags: ['marketplaceLists'],
  })
    .input(searchInput)
    .query(({ ctx, input }) => searchAgents(ctx.prisma, input), {
      fromInput: () => [tags.marketplaceLists()],
    }),

  // v2: the README (longDescription) and version joined the output.
  agent: cachedProcedure({ scope: 'public', ttl: TTL.marketplace, version: 'v2', tags: ['agent'] })
    .input(agentRef)
    .query(
      async ({ ctx, input }) => {
        const agent = await findAgent(ctx.prisma, input);
        if (!agent) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such agent.' });
        return agent;
      },
      {
        fromInput: (input) => ('id' in input ? [tags.agent(input.id)] : []),
        // Looked up by slug, the id is only known from the result.
        fromOutput: (agent) => [tags.agent(agent.id)],
      },
    ),

  categories: cachedProcedure({
    scope: 'public',
    ttl: TTL.marketplace,
    grace: LIST_GRACE,
    l1: true,
    tags: ['marketplaceCategories'],
  }).query(({ ctx }) => categoryCounts(ctx.prisma), { fromInput: () => [tags.marketplaceCategories()] }),
} satisfies TRPCRouterRecord;
