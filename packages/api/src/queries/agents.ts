/** Agent reads, shaped for the marketplace. Kept apart from routers so they stay one screen. */
import type { Prisma, PrismaClient } from '@stash/db';
import { type FullTextWord, fullTextSearch } from '../search/full-text';
import type { MatchRange } from '../search/highlight';
import { searchWords } from '../search/normalize';
import { type ResolvedWord, resolvedWords } from '../search/vocabulary';
import { type AgentCard, agentCardSelect } from './card';
import { type Cursor, cursorDate, cursorNumber, encodeCursor, toPage } from './cursor';

/** 'relevance' is Best match: only meaningful with a query (the input schema picks it then). */
export const SORTS = ['relevance', 'trending', 'newest', 'rating', 'installs'] as const;
export type AgentSort = (typeof SORTS)[number];
export type BrowseSort = Exclude<AgentSort, 'relevance'>;

const SORT_COLUMN = {
  trending: 'trendingScore',
  newest: 'createdAt',
  rating: 'rating',
  installs: 'installCount',
} as const satisfies Record<BrowseSort, keyof Prisma.AgentWhereInput>;

export interface SearchAgentsParams {
  query: string;
  category?: string | undefined;
  sortBy: AgentSort;
  limit: number;
  cursor?: Cursor | undefined;
}

/** Which parts of a card's name and description matched the query, for highlighting. */
export interface CardMatches {
  name: MatchRange[];
  description: MatchRange[];
}

export type SearchCard = AgentCard & { matches: CardMatches | null };

export interface SearchPage {
  items: SearchCard[];
  nextCursor: string | null;
  /** How many agents the query returns (null when browsing: the category counts say it). */
  total: number | null;
  /** True when `total` is an estimate (a Best match search with more than about 500 matches). */
  totalIsEstimate: boolean;
  /** The words searched for when some were corrected ("sumarize" -> "summarize"), else null. */
  correctedQuery: string | null;
}

function cursorValueOf(agent: AgentCard, sortBy: BrowseSort): number | string {
  const value = agent[SORT_COLUMN[sortBy]];
  return value instanceof Date ? value.toISOString() : value;
}

function afterCursor(sortBy: BrowseSort, cursor: Cursor): Prisma.AgentWhereInput {
  const column = SORT_COLUMN[sortBy];
  const value =
    column === 'createdAt'
      ? cursorDate(cursor)
      : cursorNumber(cursor, column === 'installCount' ? 'int' : 'float');
  // Rows strictly after the cursor in (column desc, id desc) order.
  return { OR: [{ [column]: { lt: value } }, { [column]: value, id: { lt: cursor.id } }] };
}

/** No query: the catalogue in a column's order, keyset-paged through its index. */
async function browseAgents(
  prisma: PrismaClient,
  params: Omit<SearchAgentsParams, 'query' | 'sortBy'> & { sortBy: BrowseSort },
): Promise<SearchPage> {
  const { category, sortBy, limit, cursor } = params;
  const rows = await prisma.agent.findMany({
    where: {
      published: true,
      ...(category ? { category } : {}),
      ...(cursor ? { AND: [afterCursor(sortBy, cursor)] } : {}),
    },
    orderBy: [{ [SORT_COLUMN[sortBy]]: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: agentCardSelect,
  });
  const page = toPage(rows, limit, (agent) => cursorValueOf(agent, sortBy));
  return {
    items: page.items.map((agent) => ({ ...agent, matches: null })),
    nextCursor: page.nextCursor,
    total: null,
    totalIsEstimate: false,
    correctedQuery: null,
  };
}

/** Stop words only narrow a query that has other words; a query of stop words alone keeps them. */
function meaningfulWords(resolved: ResolvedWord[]): ResolvedWord[] {
  const meaningful = resolved.filter((w) => !w.stopWord);
  return meaningful.length > 0 ? meaningful : resolved;
}

/** The words a search looks for: meaningful ones, stop words unstemmed, the last one a prefix. */
function searchedWords(resolved: ResolvedWord[]): FullTextWord[] {
  const last = resolved.at(-1);
  return meaningfulWords(resolved).map((w) => ({ term: w.term, stemmed: !w.stopWord, prefix: w === last }));
}

/**
 * A query: typos corrected against the vocabulary, then ranked full-text search, in one
 * statement; a query with a stop word ("and", "the") takes a second one, since stop words are
 * dropped or searched unstemmed.
 */
async function searchByText(
  prisma: PrismaClient,
  words: string[],
  params: SearchAgentsParams,
): Promise<SearchPage> {
  const query = {
    category: params.category,
    sortBy: params.sortBy,
    limit: params.limit,
    cursor: params.cursor,
  };
  const asTyped = words.map((w) => ({ typed: w, term: w, corrected: false, stopWord: false }));
  const first = await fullTextSearch(prisma, { ...query, words: searchedWords(asTyped), check: words });
  const resolved = resolvedWords(words, first.checked ?? []);
  const result = first.searched
    ? first
    : await fullTextSearch(prisma, { ...query, words: searchedWords(resolved) });
  const hits = result.hits.slice(0, params.limit);
  const items = hits.map((hit) => ({ ...hit.card, matches: hit.matches }));
  const lastHit = hits.at(-1);
  const nextCursor =
    result.hits.length > params.limit && lastHit
      ? encodeCursor({
          value: lastHit.sortValue instanceof Date ? lastHit.sortValue.toISOString() : lastHit.sortValue,
          id: lastHit.card.id,
        })
      : null;
  const correctedQuery = resolved.some((w) => w.corrected) ? resolved.map((w) => w.term).join(' ') : null;
  return { items, nextCursor, total: result.total, totalIsEstimate: result.totalIsEstimate, correctedQuery };
}

export async function searchAgents(prisma: PrismaClient, params: SearchAgentsParams): Promise<SearchPage> {
  const words = searchWords(params.query);
  if (words.length > 0) return searchByText(prisma, words, params);
  const sortBy = params.sortBy === 'relevance' ? 'trending' : params.sortBy;
  return browseAgents(prisma, { ...params, sortBy });
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
