/**
 * Checks the user's words against the vocabulary of published agents' words (`search_words`,
 * kept by triggers) and corrects the ones that match nothing. One round trip for all words.
 */
import type { PrismaClient } from '@stash/db';
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

interface Row {
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
 * Meilisearch. The statement is the PL/pgSQL function `search_resolve_words` (migration
 * 20261209100000_search_resolve_words, which states the rules in full), so its plan is kept per
 * connection instead of being made again for every search.
 */
export async function resolveWords(prisma: PrismaClient, words: string[]): Promise<ResolvedWord[]> {
  if (words.length === 0) return [];
  const budgets = words.map((w) => typoBudget(w.length));
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT r.i, r.known, r.stop, r.fix
    FROM search_resolve_words(${words}::text[], ${budgets}::int[], ${MIN_PREFIX_LENGTH}::int) AS r`;
  return rows.map((row) => {
    const typed = words[row.i - 1]!;
    const fix = row.fix && row.fix !== typed ? row.fix : null;
    return { typed, term: fix ?? typed, corrected: fix !== null, stopWord: row.stop && !fix };
  });
}
