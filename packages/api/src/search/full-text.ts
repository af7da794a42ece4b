/**
 * The ranked full-text query over `agent_search` (one narrow row per published agent: its
 * GIN-indexed document and the columns search sorts by; migration 20261208090000_agent_search_table).
 * docs/search.md argues the choices; in short:
 *
 * - Each word becomes one tsquery term: its English stems (other forms of the word) OR the word
 *   unstemmed; the last word also as a prefix of both, since the user may still be typing it.
 * - The agents matching EVERY term are returned when there are any (AND); otherwise those matching
 *   ANY term, ranked by how many terms they match (OR fallback). So "summarize pdf" finds
 *   summarizers although no agent mentions PDFs, and never returns 0 while one word matches.
 * - Best match: score = matched terms + text rank x popularity factor, where the text rank is
 *   ts_rank with name >> tags >> description weights normalized into [0, 1), and the popularity
 *   factor lies in [1 - POPULARITY_WEIGHT, 1): popularity reorders agents whose text matches
 *   about equally well but never lifts a worse match over a better one by much, and never over
 *   an agent that matches more words.
 * - Pages are keyset on (sort value, id), the sort value being that score for Best match, so a
 *   cursor is the same kind as every other sort's and page 2 continues exactly after page 1.
 * - Matches are found, scored and counted on the narrow table; agents' own rows (which carry the
 *   README) are read for the page only, for the highlights.
 */
import { Prisma, type PrismaClient } from '@stash/db';
import { type Cursor, cursorDate, cursorNumber } from '../queries/cursor';
import { HEADLINE_OPTIONS, type MatchRange, markedRanges, mergeRanges } from './highlight';
import { MIN_PREFIX_LENGTH } from './typos';

export type FullTextSort = 'relevance' | 'trending' | 'newest' | 'rating' | 'installs';

/** ts_rank weights for D, C, B, A: description 0.2, tags 0.4, name 1. */
const RANK_WEIGHTS = '{0.05, 0.2, 0.4, 1.0}';
/** ts_rank normalization 32: rank / (rank + 1), so the text rank stays below 1. */
const RANK_NORMALIZATION = 32;
/** The most popularity may take off the text rank (the least popular agents lose 20 %). */
export const POPULARITY_WEIGHT = 0.2;
/** Install count at which popularity gives half its boost: about the seed's median. */
export const POPULARITY_HALF = 150;

export interface FullTextWord {
  term: string;
  /** Matched through English stems too (false for stop words, whose stems are empty). */
  stemmed: boolean;
  /** Also matched as a prefix (the last word while it is being typed). */
  prefix: boolean;
}

export interface FullTextParams {
  words: FullTextWord[];
  category?: string | undefined;
  sortBy: FullTextSort;
  limit: number;
  cursor?: Cursor | undefined;
}

export interface FullTextHit {
  id: number;
  sortValue: number | Date;
  matches: { name: MatchRange[]; description: MatchRange[] };
}

export interface FullTextPage {
  hits: FullTextHit[];
  /** How many agents the search returns over all pages. */
  total: number;
}

interface Row {
  id: number;
  sort_value: number | Date;
  total: number;
  name: string;
  description: string;
  name_en: string | null;
  name_simple: string | null;
  description_en: string | null;
  description_simple: string | null;
}

/** The word in tsquery syntax; it holds only letters and digits (normalize.ts), safe to quote. */
function querySyntax(word: FullTextWord): string {
  const whole = `'${word.term}'`;
  return word.prefix && word.term.length >= MIN_PREFIX_LENGTH ? `${whole} | ${whole}:*` : whole;
}

function tsquerySql(word: FullTextWord, syntax: string): Prisma.Sql {
  const simple = Prisma.sql`to_tsquery('simple'::regconfig, ${syntax})`;
  return word.stemmed ? Prisma.sql`(to_tsquery('english'::regconfig, ${syntax}) || ${simple})` : simple;
}

/** The term that ranks: the whole word and its prefix are two operands, so an exact word counts more. */
function rankTermSql(word: FullTextWord): Prisma.Sql {
  return tsquerySql(word, querySyntax(word));
}

/**
 * The term that filters: the same agents as rankTermSql, with the whole word left out when the
 * prefix subsumes it. The planner treats each operand as independent and would estimate `w | w:*`
 * to match about twice the agents it does, enough to pick a sequential scan over the GIN index.
 */
function matchTermSql(word: FullTextWord): Prisma.Sql {
  const syntax = querySyntax(word);
  return tsquerySql(word, syntax.includes(':*') ? `'${word.term}':*` : syntax);
}

const SORT_VALUE: Record<FullTextSort, Prisma.Sql> = {
  relevance: Prisma.sql`h.matched::float8 + h.rank::float8
    * (${1 - POPULARITY_WEIGHT}::float8 + ${POPULARITY_WEIGHT}::float8 * h.install_count / (h.install_count + ${POPULARITY_HALF}::float8))`,
  trending: Prisma.sql`h.trending_score`,
  newest: Prisma.sql`h.created_at`,
  rating: Prisma.sql`h.rating`,
  installs: Prisma.sql`h.install_count`,
};

function afterCursor(sortBy: FullTextSort, cursor: Cursor | undefined): Prisma.Sql {
  if (!cursor) return Prisma.sql`TRUE`;
  const value =
    sortBy === 'newest' ? cursorDate(cursor) : cursorNumber(cursor, sortBy === 'installs' ? 'int' : 'float');
  return Prisma.sql`(k.sort_value < ${value} OR (k.sort_value = ${value} AND k.id < ${cursor.id}))`;
}

export async function fullTextSearch(prisma: PrismaClient, params: FullTextParams): Promise<FullTextPage> {
  const { words, category, sortBy, limit, cursor } = params;
  // The terms are written inline, not in a CTE: the planner then folds them to constants (a CTE's
  // value is unknown when planning, which hides the ranked query's words from it).
  const terms = words.map(matchTermSql);
  const any = Prisma.sql`(${Prisma.join(terms, ' || ')})`;
  const all = Prisma.sql`(${Prisma.join(terms, ' && ')})`;
  const rankQuery =
    sortBy === 'relevance' ? Prisma.sql`(${Prisma.join(words.map(rankTermSql), ' || ')})` : Prisma.sql`NULL`;
  const inCategory = Prisma.sql`${category ?? null}::text`;
  // Scored inside agent_search_ranked (migration 20261209090000_agent_search_ranked): documents
  // never leave the heap page they are read from. Only Best match needs the text rank; other
  // sorts pass no rank query and skip computing it for every candidate.
  const ranked = (match: Prisma.Sql, termsToCount: Prisma.Sql) =>
    Prisma.sql`agent_search_ranked(${match}, ${rankQuery}, ${RANK_WEIGHTS}::float4[],
      ${RANK_NORMALIZATION}::int, ${termsToCount}, ${inCategory})`;
  const columns = Prisma.sql`a.agent_id AS id, a.rank, a.install_count, a.trending_score, a.created_at, a.rating`;
  // AND first: the GIN index intersects the words' posting lists, so a specific query scores a
  // few hundred rows. Only when that finds nothing are the agents matching any word scored (the
  // one-time filter skips that scan otherwise); scoring the union every time cost 10x more.
  // An agent matching every word matches words.length of them: no need to count them per row.
  const rows = await prisma.$queryRaw<Row[]>`
    WITH every_word AS (
      SELECT ${columns}, ${words.length}::int AS matched FROM ${ranked(all, Prisma.sql`NULL::tsquery[]`)} a
    ),
    hits AS (
      SELECT * FROM every_word
      UNION ALL
      SELECT ${columns}, a.matched
      FROM ${ranked(any, Prisma.sql`ARRAY[${Prisma.join(terms)}]::tsquery[]`)} a
      WHERE NOT EXISTS (SELECT 1 FROM every_word)
    ),
    kept AS (
      SELECT h.id, ${SORT_VALUE[sortBy]} AS sort_value, count(*) OVER () AS total
      FROM hits h
    ),
    page AS (
      SELECT k.* FROM kept k WHERE ${afterCursor(sortBy, cursor)}
      ORDER BY k.sort_value DESC, k.id DESC
      LIMIT ${limit + 1}
    )
    SELECT p.id, p.sort_value, p.total::int AS total, a.name, a.description,
      ts_headline('english'::regconfig, a.name, ${any}, ${HEADLINE_OPTIONS}) AS name_en,
      ts_headline('simple'::regconfig, a.name, ${any}, ${HEADLINE_OPTIONS}) AS name_simple,
      ts_headline('english'::regconfig, a.description, ${any}, ${HEADLINE_OPTIONS}) AS description_en,
      ts_headline('simple'::regconfig, a.description, ${any}, ${HEADLINE_OPTIONS}) AS description_simple
    FROM page p JOIN agents a ON a.id = p.id
    ORDER BY p.sort_value DESC, p.id DESC`;
  return {
    total: rows[0]?.total ?? 0,
    hits: rows.map((row) => ({
      id: row.id,
      sortValue: row.sort_value,
      matches: {
        // English marks stems ("translates" for "translate"); simple marks prefixes typed past
        // a stem ("translati" in "translation").
        name: mergeRanges(markedRanges(row.name, row.name_en), markedRanges(row.name, row.name_simple)),
        description: mergeRanges(
          markedRanges(row.description, row.description_en),
          markedRanges(row.description, row.description_simple),
        ),
      },
    })),
  };
}
