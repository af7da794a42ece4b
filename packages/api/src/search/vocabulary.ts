/**
 * Checks the user's words against the vocabulary of published agents' words (`search_words`,
 * kept by triggers) and corrects the ones that match nothing. One round trip for all words.
 */
import { Prisma, type PrismaClient } from '@stash/db';
import { MIN_PREFIX_LENGTH, typoBudget } from './typos';

export interface ResolvedWord {
  /** The word as typed (normalized). */
  typed: string;
  /** The word to search for: the typed one, or its correction. */
  term: string;
  /** True when `term` is a correction of `typed`. */
  corrected: boolean;
  /** True for stop words ("and", "the"): they carry no meaning in English stems. */
  stopWord: boolean;
}

/** Edits from the typed word `c.w` to `target`, a swap of neighbours counting as one. */
function editsTo(target: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`least(levenshtein_less_equal(c.w, ${target}, c.k),
    1 + (SELECT min(levenshtein_less_equal(v, ${target}, c.k)) FROM unnest(c.swaps) AS v))`;
}

interface Row {
  i: number;
  known: boolean;
  stop: boolean;
  fix: string | null;
}

/**
 * For each word: is it known (as a word, through its English stem, or, for the last word, as the
 * start of a word)? If not, the best correction within its typo budget, comparing
 *  - the word with whole vocabulary words (kind 0),
 *  - the last word with the starts of longer words, since it may be half typed (kind 1:
 *    "sumarize" is one edit from "summarize", the start of "summarizer"),
 *  - its stem with their stems (kind 2: "sumarize" stems to "sumar", one edit from "summar").
 * Swapping two neighbouring letters counts as one edit, as in Meilisearch ("traige" is one typo
 * from "triage"; plain Levenshtein counts two): each swap variant of the word is compared too,
 * one edit already spent.
 * Ties go to fewer edits, then the kind in that order, then the word more agents use.
 * Vocabulary rows of stop words (no stem) are never suggested. The words are letters and digits
 * only (normalize.ts), so they cannot carry LIKE wildcards.
 */
export async function resolveWords(prisma: PrismaClient, words: string[]): Promise<ResolvedWord[]> {
  if (words.length === 0) return [];
  const budgets = words.map((w) => typoBudget(w.length));
  const rows = await prisma.$queryRaw<Row[]>`
    -- MATERIALIZED: inlined, the swap variants' subquery was re-evaluated inside every
    -- comparison (about a second per query on the demo vocabulary instead of a few ms).
    WITH q AS MATERIALIZED (
      SELECT u.w, u.i::int AS i, u.i = ${words.length} AS last, length(u.w) AS len, b.k,
             (SELECT min(l) FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, u.w))) AS l) AS stem,
             ARRAY(SELECT left(u.w, p - 1) || substr(u.w, p + 1, 1) || substr(u.w, p, 1) || substr(u.w, p + 2)
                   FROM generate_series(1, length(u.w) - 1) AS p) AS swaps
      FROM unnest(${words}::text[]) WITH ORDINALITY AS u(w, i)
      JOIN unnest(${budgets}::int[]) WITH ORDINALITY AS b(k, i) ON b.i = u.i
    ), checked AS (
      SELECT q.*,
        EXISTS (SELECT 1 FROM search_words s WHERE s.agents > 0 AND (s.word = q.w OR s.lexeme = q.stem))
        OR (q.last AND q.len >= ${MIN_PREFIX_LENGTH}
            AND EXISTS (SELECT 1 FROM search_words s WHERE s.agents > 0 AND s.word LIKE q.w || '%')) AS known
      FROM q
    )
    SELECT c.i, c.known, c.stem IS NULL AS stop,
      CASE WHEN c.known OR c.k = 0 THEN NULL ELSE (
        SELECT f.fix FROM (
          SELECT s.word AS fix, ${editsTo(Prisma.sql`s.word`)} AS d, 0 AS kind, s.agents
          FROM search_words s
          WHERE s.agents > 0 AND s.lexeme IS NOT NULL AND abs(length(s.word) - c.len) <= c.k
          UNION ALL
          SELECT left(s.word, c.len + j), ${editsTo(Prisma.sql`left(s.word, c.len + j)`)}, 1, s.agents
          FROM search_words s, generate_series(-c.k, c.k) AS j
          WHERE c.last AND s.agents > 0 AND s.lexeme IS NOT NULL AND length(s.word) > c.len + j
          UNION ALL
          SELECT s.word, levenshtein_less_equal(c.stem, s.lexeme, c.k), 2, s.agents
          FROM search_words s
          WHERE c.stem IS NOT NULL AND s.agents > 0 AND abs(length(s.lexeme) - length(c.stem)) <= c.k
        ) AS f
        WHERE f.d <= c.k
        ORDER BY f.d, f.kind, f.agents DESC, f.fix
        LIMIT 1
      ) END AS fix
    FROM checked c
    ORDER BY c.i`;
  return rows.map((row) => {
    const typed = words[row.i - 1]!;
    const fix = row.fix && row.fix !== typed ? row.fix : null;
    return { typed, term: fix ?? typed, corrected: fix !== null, stopWord: row.stop && !fix };
  });
}
