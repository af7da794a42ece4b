import { categorySchema, idSchema, text } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { cached } from '../caching/cached';
import { withLiveInstallCounts } from '../caching/live';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import { categoryCounts, findAgent, SORTS, searchAgents } from '../queries/agents';
import { cursorSchema } from '../queries/cursor';
import { publicProcedure } from '../trpc';

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
const LIST_GRACE = 60_000;

export const marketplaceRouter = {
  search: publicProcedure.input(searchInput).query(
    cached(({ ctx, input }) => searchAgents(ctx.prisma, input), {
      path: 'marketplace.search',
      version: 'v1',
      ttlMs: TTL.marketplace,
      graceMs: LIST_GRACE,
      scope: 'public',
      l1: true,
      // The page's skeleton (which agents, in which order) is cached; the install counts shown
      // are live (through L1, like the list: a few ms behind a write on other instances), so
      // installs never evict a list. The "installs" order is as of the entry's build: at most
      // the TTL (+ grace) old.
      live: async (page, ctx) => {
        const { cards, status } = await withLiveInstallCounts(ctx, page.items, { l1: true });
        return { value: { ...page, items: cards }, status };
      },
      tags: () => [tags.marketplaceLists()],
      tagKinds: ['marketplaceLists'],
    }),
  ),

  agent: publicProcedure.input(agentRef).query(
    cached(
      async ({ ctx, input }) => {
        const agent = await findAgent(ctx.prisma, input);
        if (!agent) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such agent.' });
        return agent;
      },
      {
        path: 'marketplace.agent',
        // v2: the README (longDescription) and version joined the output.
        version: 'v2',
        ttlMs: TTL.marketplace,
        scope: 'public',
        tags: (input) => ('id' in input ? [tags.agent(input.id)] : []),
        // Looked up by slug, the id is only known from the result.
        tagsFromOutput: (agent) => [tags.agent(agent.id)],
        tagKinds: ['agent'],
        // Exact like before, without evicting the page on every install: the count is live.
        live: async (agent, ctx) => {
          const { cards, status } = await withLiveInstallCounts(ctx, [agent]);
          return { value: cards[0] ?? agent, status };
        },
      },
    ),
  ),

  categories: publicProcedure.query(
    cached(({ ctx }) => categoryCounts(ctx.prisma), {
      path: 'marketplace.categories',
      version: 'v1',
      ttlMs: TTL.marketplace,
      graceMs: LIST_GRACE,
      scope: 'public',
      l1: true,
      tags: () => [tags.marketplaceCategories()],
      tagKinds: ['marketplaceCategories'],
    }),
  ),
} satisfies TRPCRouterRecord;
