/**
 * What a card shows of an agent, read through Prisma (`agentCardSelect`) or, where a raw query
 * already reads the agents row, as columns of that query (`CARD_COLUMNS`, `cardFromRow`): search
 * returns its page's cards from its one statement instead of a second round trip.
 */
import { Prisma } from '@stash/db';

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

/** The card's columns of agents `a` joined with its author `u`, named as CardRow's fields. */
export const CARD_COLUMNS = Prisma.sql`a.slug, a.name, a.description, a.category, a.tags, a.rating,
  a.rating_count, a.install_count, a.trending_score, a.created_at, u.id AS author_id, u.name AS author_name`;

export interface CardRow {
  id: number;
  slug: string;
  name: string;
  description: string;
  category: string;
  tags: string[];
  rating: number;
  rating_count: number;
  install_count: number;
  trending_score: number;
  /** A string when the row came as JSON. */
  created_at: Date | string;
  author_id: number;
  author_name: string;
}

export function cardFromRow(row: CardRow): AgentCard {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    category: row.category,
    tags: row.tags,
    rating: row.rating,
    ratingCount: row.rating_count,
    installCount: row.install_count,
    trendingScore: row.trending_score,
    createdAt: new Date(row.created_at),
    author: { id: row.author_id, name: row.author_name },
  };
}
