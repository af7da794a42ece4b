/**
 * The full-text query over `agent_search` (one narrow row per published agent: its GIN-indexed
 * documents and the columns search sorts by). docs/search.md argues the choices; in short:
 *
 * - Each word becomes one tsquery term: its English stems (other forms of the word) OR the word
 *   unstemmed; the last word also every word it starts, since the user may still be typing it.
 * - The agents matching EVERY term are returned when there are any (AND); otherwise those matching
 *   ANY term, those matching more terms first (OR fallback). So "summarize pdf" finds summarizers
 *   although no agent mentions PDFs, and never returns 0 while one word matches.
 * - Best match orders by strata (where the words are: name, tags, elsewhere), then by installs,
 *   and reads a page's worth of candidates best first instead of scoring every match (the SQL
 *   functions agent_search_strata and agent_search_best, migration 20261210090000_agent_search_strata).
 *   Its total is exact up to about 500 and an honest estimate beyond.
 * - Pages are keyset on (sort value, id), the sort value being the score for Best match, so a
 *   cursor is the same kind as every other sort's and page 2 continues exactly after page 1.
 * - Agents' own rows (which carry the README) are read for the page only: its cards and highlights.
 */
import { PREPARED, Prisma, type PrismaClient } from '@stash/db';
import { type AgentCard, CARD_COLUMNS, type CardRow, cardFromRow } from '../queries/card';
import { type Cursor, cursorDate, cursorNumber } from '../queries/cursor';
import { HEADLINE_OPTIONS, type MatchRange, markedRanges } from './highlight';
import { MIN_PREFIX_LENGTH } from './typos';
import { type WordCheckRow, wordCheckSql } from './vocabulary';

export type FullTextSort = 'relevance' | 'trending' | 'newest' | 'rating' | 'installs';

/**
 * Inside a stratum the score is base + installs / (installs + POPULARITY_HALF): it grows with
 * installs and stays below base + 1, so it orders by installs and never crosses strata.
 */
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
  /**
   * The words as typed (`words` being these, none a stop word), checked against the vocabulary
   * in the same statement (vocabulary.ts): each word is searched for as corrected, and the search
   * runs unless a word turns out to be a stop word (`searched` is then false). Saves a round trip.
   */
  check?: string[];
  category?: string | undefined;
  sortBy: FullTextSort;
  limit: number;
  cursor?: Cursor | undefined;
}

export interface FullTextHit {
  card: AgentCard;
  sortValue: number | Date;
  matches: { name: MatchRange[]; description: MatchRange[] };
}

export interface FullTextPage {
  hits: FullTextHit[];
  /** How many agents the search returns over all pages. */
  total: number;
  /** True when `total` is estimated (Best match, beyond about 500). */
  totalIsEstimate: boolean;
  /** With `check`: the vocabulary's verdict on each word. */
  checked: WordCheckRow[] | null;
  /** False when `check` found a stop word: nothing was searched. */
  searched: boolean;
}

/** The statement's one value (see `statement`). */
interface PageJson {
  checked: WordCheckRow[] | null;
  /** NULL when the check stopped the search. */
  total: number | null;
  exact: boolean | null;
  hits: Array<
    CardRow & {
      sort_value: number | string;
      name_marked: string | null;
      description_marked: string | null;
    }
  >;
}

/**
 * One word's tsquery: its English stem (other forms of the word) OR the word unstemmed. The last
 * word, which may be half typed, matches every vocabulary word it starts, and their stems,
 * instead of the word unstemmed. The words come from `search_words` (exactly the documents'
 * unstemmed lexemes, with their stems) because a GIN index reads a prefix (`w:*`) by collecting
 * every match up front, which cost more than the rest of a search; the stems let the English
 * headline alone mark every matched word. Words hold only letters and digits (normalize.ts), so
 * they are safe to quote and carry no LIKE wildcards.
 */
function termSql(word: FullTextWord, text: Prisma.Sql): Prisma.Sql {
  const whole = Prisma.sql`quote_literal(${text})`;
  const simple =
    word.prefix && word.term.length >= MIN_PREFIX_LENGTH
      ? Prisma.sql`coalesce((
          SELECT concat_ws(' | ', string_agg(quote_literal(v.word), ' | '),
                           string_agg(DISTINCT quote_literal(v.lexeme), ' | '))::tsquery
          FROM search_words v
          -- The range lets the text_pattern_ops index read the words (LIKE with a computed
          -- pattern cannot): every word starting with the text sorts between these bytes.
          WHERE v.word ~>=~ ${text} AND v.word ~<~ (${text} || chr(1114111))
            AND v.word LIKE ${text} || '%' AND v.agents > 0
        ), to_tsquery('simple'::regconfig, ${whole}))`
      : Prisma.sql`to_tsquery('simple'::regconfig, ${whole})`;
  return word.stemmed ? Prisma.sql`(to_tsquery('english'::regconfig, ${whole}) || ${simple})` : simple;
}

/** Each word's text: the word, or with a check, its correction when the check found one. */
function termTexts(params: FullTextParams): Prisma.Sql[] {
  return params.words.map((word, i) =>
    params.check
      ? Prisma.sql`coalesce((SELECT c.fix FROM checked c WHERE c.i = ${i + 1}), ${word.term}::text)`
      : Prisma.sql`${word.term}::text`,
  );
}

type ColumnSort = Exclude<FullTextSort, 'relevance'>;

const SORT_VALUE: Record<ColumnSort, Prisma.Sql> = {
  trending: Prisma.sql`h.trending_score`,
  newest: Prisma.sql`h.created_at`,
  rating: Prisma.sql`h.rating`,
  installs: Prisma.sql`h.install_count`,
};

function afterCursor(sortBy: ColumnSort, cursor: Cursor | undefined): Prisma.Sql {
  if (!cursor) return Prisma.sql`TRUE`;
  const value =
    sortBy === 'newest' ? cursorDate(cursor) : cursorNumber(cursor, sortBy === 'installs' ? 'int' : 'float');
  return Prisma.sql`(k.sort_value < ${value} OR (k.sort_value = ${value} AND k.id < ${cursor.id}))`;
}

/**
 * The whole statement: the CTEs of one kind of search, which define `page` (id, sort_value) and
 * `total` (total, exact) and run only when `searching` holds, then the page's cards with their
 * highlights; one row with a NULL id when the page is empty. Words are marked by the English
 * configuration (a word's other forms too: every term carries the stems of its words), or by
 * the simple one for a search of stop words alone, which English drops.
 */
function statement(
  params: FullTextParams,
  search: (searching: Prisma.Sql) => { ctes: Prisma.Sql; any: Prisma.Sql },
): Prisma.Sql {
  const { check } = params;
  // With a check, the search's CTEs are read only when no word is a stop word (whose terms and
  // highlights differ): each has this as a one-time filter, and a CTE nobody reads never runs.
  const searching = check ? Prisma.sql`(SELECT ok FROM go)` : Prisma.sql`TRUE`;
  const checkCtes = check
    ? Prisma.sql`checked AS MATERIALIZED (${wordCheckSql(check)}),
      go AS (SELECT NOT EXISTS (SELECT 1 FROM checked c
        WHERE c.stop AND (c.fix IS NULL OR c.fix = (${check}::text[])[c.i])) AS ok),`
    : Prisma.empty;
  const checkedColumn = check
    ? Prisma.sql`(SELECT json_agg(c ORDER BY c.i) FROM checked c)`
    : Prisma.sql`NULL::json`;
  const { ctes, any } = search(searching);
  const config = params.words.every((w) => w.stemmed)
    ? Prisma.sql`'english'::regconfig`
    : Prisma.sql`'simple'::regconfig`;
  // One row, one JSON value: Prisma converts every value of a raw result one by one, which cost
  // more than the rest of the client's work when the page came back as 21 rows of 20 columns.
  // PREPARED: the statement's text depends only on the query's shape (words, sort, cursor,
  // category), so each connection parses it once and can keep its plan.
  return Prisma.sql`${Prisma.raw(PREPARED)}
    WITH ${checkCtes} ${ctes}
    SELECT json_build_object(
      'checked', ${checkedColumn},
      'total', (SELECT t.total FROM total t),
      'exact', (SELECT t.exact FROM total t),
      'hits', (SELECT coalesce(json_agg(h ORDER BY h.sort_value DESC, h.id DESC), '[]'::json) FROM (
        SELECT p.id, p.sort_value, ${CARD_COLUMNS},
          ts_headline(${config}, a.name, ${any}, ${HEADLINE_OPTIONS}) AS name_marked,
          ts_headline(${config}, a.description, ${any}, ${HEADLINE_OPTIONS}) AS description_marked
        FROM page p JOIN agents a ON a.id = p.id JOIN users u ON u.id = a.author_id
      ) h)
    ) AS page`;
}

/**
 * Best match: agent_search_best reads the strata of the words best first, stops when the page
 * is full, and also returns the total (exact up to about 500, else estimated).
 */
function bestMatchSql(terms: Prisma.Sql[], params: FullTextParams): Prisma.Sql {
  const { category, limit, cursor } = params;
  // Each term is computed once, in `w` (a prefix term lists vocabulary words).
  const names = terms.map((_, i) => Prisma.raw(`t${i + 1}`));
  const refs = names.map((name) => Prisma.sql`w.${name}`);
  const after = cursor
    ? Prisma.sql`${cursorNumber(cursor, 'float')}::float8, ${cursor.id}::int`
    : Prisma.sql`NULL::float8, NULL::int`;
  return statement(params, (searching) => ({
    ctes: Prisma.sql`w AS MATERIALIZED (
      SELECT ${Prisma.join(terms.map((term, i) => Prisma.sql`${term} AS ${names[i]!}`))}
    ),
    best AS (
      SELECT b.* FROM w, agent_search_best(ARRAY[${Prisma.join(refs)}]::tsquery[], ${POPULARITY_HALF}::float8,
        ${category ?? null}::text, ${after}, ${limit + 1}::int) b
      WHERE ${searching}
    ),
    page AS (SELECT b.agent_id AS id, b.score AS sort_value FROM best b WHERE b.agent_id IS NOT NULL),
    total AS (SELECT b.total, b.exact FROM best b LIMIT 1)`,
    any: Prisma.sql`(SELECT ${Prisma.join(refs, ' || ')} FROM w)`,
  }));
}

/** Another sort with search text: every match read and sorted by the column (and counted). */
function byColumnSql(terms: Prisma.Sql[], sortBy: ColumnSort, params: FullTextParams): Prisma.Sql {
  const { category, limit, cursor } = params;
  const any = Prisma.sql`(${Prisma.join(terms, ' || ')})`;
  const all = Prisma.sql`(${Prisma.join(terms, ' && ')})`;
  const inCategory = Prisma.sql`${category ?? null}::text`;
  const ranked = (match: Prisma.Sql, termsToCount: Prisma.Sql) =>
    Prisma.sql`agent_search_ranked(${match}, NULL::tsquery, NULL::float4[], 0, ${termsToCount}, ${inCategory})`;
  const columns = Prisma.sql`a.agent_id AS id, a.install_count, a.trending_score, a.created_at, a.rating`;
  // AND first: the GIN index intersects the words' posting lists. Only when that finds nothing
  // are the agents matching any word read (the one-time filter skips that scan otherwise).
  return statement(params, (searching) => ({
    ctes: Prisma.sql`every_word AS (
      SELECT ${columns} FROM ${ranked(all, Prisma.sql`NULL::tsquery[]`)} a WHERE ${searching}
    ),
    hits AS (
      SELECT * FROM every_word
      UNION ALL
      SELECT ${columns} FROM ${ranked(any, Prisma.sql`NULL::tsquery[]`)} a
      WHERE ${searching} AND NOT EXISTS (SELECT 1 FROM every_word)
    ),
    kept AS (
      SELECT h.id, ${SORT_VALUE[sortBy]} AS sort_value, count(*) OVER () AS total FROM hits h
    ),
    page AS (
      SELECT k.* FROM kept k WHERE ${afterCursor(sortBy, cursor)}
      ORDER BY k.sort_value DESC, k.id DESC
      LIMIT ${limit + 1}
    ),
    total AS (SELECT coalesce((SELECT total FROM kept LIMIT 1), 0) AS total, TRUE AS exact WHERE ${searching})`,
    any,
  }));
}

export async function fullTextSearch(prisma: PrismaClient, params: FullTextParams): Promise<FullTextPage> {
  const texts = termTexts(params);
  const terms = params.words.map((word, i) => termSql(word, texts[i]!));
  const [{ page }] = await prisma.$queryRaw<[{ page: PageJson }]>(
    params.sortBy === 'relevance' ? bestMatchSql(terms, params) : byColumnSql(terms, params.sortBy, params),
  );
  return {
    total: page.total ?? 0,
    totalIsEstimate: page.exact === false,
    checked: page.checked,
    searched: page.total !== null,
    hits: page.hits.map((row) => ({
      card: cardFromRow(row),
      // JSON carries a date as text (the Newest sort's value).
      sortValue: typeof row.sort_value === 'string' ? new Date(row.sort_value) : row.sort_value,
      matches: {
        name: markedRanges(row.name, row.name_marked),
        description: markedRanges(row.description, row.description_marked),
      },
    })),
  };
}
