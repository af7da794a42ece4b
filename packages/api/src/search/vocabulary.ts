/**
 * Checks the user's words against the vocabulary of published agents' words (`search_words`,
 * kept by triggers) and corrects the ones that match nothing.
 */
import { Prisma } from '@stash/db';
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

/** One row of search_resolve_words per word. */
export interface WordCheckRow {
  i: number;
  known: boolean;
  stop: boolean;
  fix: string | null;
}

/**
 * For each word: is it known (as a word, through its English stem, or, for the last word, as the
 * start of a word)? If not, the best correction within its typo budget (typos.ts): a whole
 * vocabulary word, the start of a longer word for the last word (it may be half typed), or a word
 * whose stem is that close to its stem; a swap of neighbouring letters counts as one edit, as in
 * Meilisearch. The PL/pgSQL function `search_resolve_words` states the rules in full (migration
 * 20261209100000_search_resolve_words; 20261210090000_agent_search_strata runs it word by word, so
 * a correction is planned only for a word that needs one). A statement of its own, or part of the
 * search's statement (full-text.ts), which then runs only when no word needs changing.
 */
export function wordCheckSql(words: string[]): Prisma.Sql {
  const budgets = words.map((w) => typoBudget(w.length));
  return Prisma.sql`SELECT r.i, r.known, r.stop, r.fix
    FROM search_resolve_words(${words}::text[], ${budgets}::int[], ${MIN_PREFIX_LENGTH}::int) AS r`;
}

/** The rows of wordCheckSql as words to search for. */
export function resolvedWords(words: string[], rows: WordCheckRow[]): ResolvedWord[] {
  return rows
    .toSorted((a, b) => a.i - b.i)
    .map((row) => {
      const typed = words[row.i - 1]!;
      const fix = row.fix && row.fix !== typed ? row.fix : null;
      return { typed, term: fix ?? typed, corrected: fix !== null, stopWord: row.stop && !fix };
    });
}
