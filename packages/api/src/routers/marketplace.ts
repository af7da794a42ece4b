import { categorySchema, idSchema, text } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { caching } from '../caching/caching';
import { withLiveInstallCounts } from '../caching/live';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import { type AgentSort, categoryCounts, findAgent, SORTS, searchAgents } from '../queries/agents';
import { cursorSchema } from '../queries/cursor';
import { normalizeSearchText } from '../search/normalize';

/**
 * Normalized here, before the cached procedure hashes the parsed input into its key: equivalent
 * searches ("PDF  Summarize" and "summarize pdf") share one entry. Without a sort, a query is
 * ordered by Best match and the catalogue by trending; Best match without a query means trending.
 */
export const searchInput = z
  .object({
    query: text()
      .trim()
      .max(100, 'Search text is at most 100 characters')
      .default('')
      .transform(normalizeSearchText),
    category: categorySchema.optional(),
    sortBy: z.enum(SORTS).optional(),
    limit: z.number().int().min(1).max(50).default(20),
    cursor: cursorSchema.optional(),
  })
  .transform(({ sortBy, ...input }) => ({
    ...input,
    sortBy: input.query === '' ? browseSort(sortBy) : (sortBy ?? 'relevance'),
  }));

function browseSort(sortBy: AgentSort | undefined): AgentSort {
  return sortBy === undefined || sortBy === 'relevance' ? 'trending' : sortBy;
}

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

export const marketplaceRouter = {
  // v2: Best match, corrections, match ranges and the exact total joined the output.
  // v3: Best match by strata, and totalIsEstimate joined the output.
  search: caching
    .query({ scope: 'public', ttl: TTL.marketplace, grace: LIST_GRACE, l1: true, version: 'v3' })
    .input(searchInput)
    .query(({ ctx, input }) => searchAgents(ctx.prisma, input), {
      tags: [tags.marketplaceLists],
      // The page's skeleton (which agents, in which order) is cached; the install counts shown
      // are live (through L1, like the list: a few ms behind a write on other instances), so
      // installs never evict a list. The "installs" order is as of the entry's build: at most
      // the TTL (+ grace) old.
      live: async (page, { read }) => ({
        ...page,
        items: await withLiveInstallCounts(read, page.items, { l1: true }),
      }),
    }),

  // v2: the README (longDescription) and version joined the output.
  agent: caching
    .query({ scope: 'public', ttl: TTL.marketplace, version: 'v2' })
    .input(agentRef)
    .query(
      async ({ ctx, input }) => {
        const agent = await findAgent(ctx.prisma, input);
        if (!agent) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such agent.' });
        return agent;
      },
      {
        tags: [
          { tag: tags.agent, fromInput: (input) => ('id' in input ? input.id : []) },
          // Looked up by slug, the id is only known from the result.
          { tag: tags.agent, fromOutput: (agent) => agent.id },
        ],
        // Exact like before, without evicting the page on every install: the count is live.
        live: async (agent, { read }) => (await withLiveInstallCounts(read, [agent]))[0] ?? agent,
      },
    ),

  categories: caching
    .query({ scope: 'public', ttl: TTL.marketplace, grace: LIST_GRACE, l1: true })
    .query(({ ctx }) => categoryCounts(ctx.prisma), { tags: [tags.marketplaceCategories] }),
} satisfies TRPCRouterRecord;
