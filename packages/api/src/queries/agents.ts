/** Agent reads, shaped for the marketplace. Kept apart from routers so they stay one screen. */
import type { Prisma, PrismaClient } from '@stash/db';
import { type Cursor, cursorDate, cursorNumber, toPage } from './cursor';

export const SORTS = ['trending', 'newest', 'rating', 'installs'] as const;
export type AgentSort = (typeof SORTS)[number];

const SORT_COLUMN = {
  trending: 'trendingScore',
  newest: 'createdAt',
  rating: 'rating',
  installs: 'installCount',
} as const satisfies Record<AgentSort, keyof Prisma.AgentWhereInput>;

export const agentCardSelect = {
  id: true,
  slug: true,
  name: true,
  description: true,
  category: true,
  tags: true,
  rating: true,
  ratingCount: true,
  installCount: true,
  trendingScore: true,
  createdAt: true,
  author: { select: { id: true, name: true } },
} as const satisfies Prisma.AgentSelect;

export type AgentCard = Prisma.AgentGetPayload<{ select: typeof agentCardSelect }>;

export interface SearchAgentsParams {
  query: string;
  category?: string | undefined;
  sortBy: AgentSort;
  limit: number;
  cursor?: Cursor | undefined;
}

function cursorValueOf(agent: AgentCard, sortBy: AgentSort): number | string {
  const value = agent[SORT_COLUMN[sortBy]];
  return value instanceof Date ? value.toISOString() : value;
}

function afterCursor(sortBy: AgentSort, cursor: Cursor): Prisma.AgentWhereInput {
  const column = SORT_COLUMN[sortBy];
  const value =
    column === 'createdAt'
      ? cursorDate(cursor)
      : cursorNumber(cursor, column === 'installCount' ? 'int' : 'float');
  // Rows strictly after the cursor in (column desc, id desc) order.
  return { OR: [{ [column]: { lt: value } }, { [column]: value, id: { lt: cursor.id } }] };
}

/**
 * Prisma's `contains` becomes `ILIKE '%' || value || '%'` without escaping, so `%`, `_` and `\`
 * in the user's text would act as wildcards. Backslash is PostgreSQL's default LIKE escape.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

export async function searchAgents(prisma: PrismaClient, params: SearchAgentsParams) {
  const { query, category, sortBy, limit, cursor } = params;
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
  const where: Prisma.AgentWhereInput = {
    published: true,
    ...(category ? { category } : {}),
    AND: [
      // Every word must appear in the name, the description or the tags (ILIKE, trigram-indexed).
      ...words.map((word) => ({
        OR: [
          { name: { contains: likeLiteral(word), mode: 'insensitive' as const } },
          { description: { contains: likeLiteral(word), mode: 'insensitive' as const } },
          { tags: { has: word } },
        ],
      })),
      ...(cursor ? [afterCursor(sortBy, cursor)] : []),
    ],
  };
  const rows = await prisma.agent.findMany({
    where,
    orderBy: [{ [SORT_COLUMN[sortBy]]: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: agentCardSelect,
  });
  return toPage(rows, limit, (agent) => cursorValueOf(agent, sortBy));
}

export async function findAgent(prisma: PrismaClient, by: { id: number } | { slug: string }) {
  return prisma.agent.findFirst({
    where: { ...by, published: true },
    // The detail page adds the README and version to what a card shows.
    select: { ...agentCardSelect, longDescription: true, version: true, updatedAt: true },
  });
}

export async function categoryCounts(prisma: PrismaClient) {
  const groups = await prisma.agent.groupBy({
    by: ['category'],
    where: { published: true },
    _count: { _all: true },
    orderBy: { category: 'asc' },
  });
  return groups.map((g) => ({ category: g.category, count: g._count._all }));
}
