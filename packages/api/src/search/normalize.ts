/**
 * The canonical form of what a user typed, computed in the input schema so that equivalent
 * searches ("PDF  Summarize", "summarize pdf") share one cache entry: the cached procedure hashes
 * the parsed input.
 *
 * Words are runs of letters and digits, lower-cased (punctuation never reaches the full-text
 * parser, so the words are also safe inside tsquery syntax). Repeats are dropped and every word
 * but the last is sorted: matching and ranking treat the words as a set, except the last one,
 * which is matched as a prefix while the user is still typing it, so it keeps its place.
 */
export const MAX_SEARCH_WORDS = 5;

const WORD = /[\p{L}\p{N}]+/gu;

export function searchWords(raw: string): string[] {
  const words = [...new Set(raw.normalize('NFKC').toLowerCase().match(WORD) ?? [])].slice(
    0,
    MAX_SEARCH_WORDS,
  );
  const last = words.pop();
  if (last === undefined) return [];
  // The last word as a prefix already matches everything the same word would match whole.
  const rest = words.filter((w) => w !== last).sort();
  return [...rest, last];
}

export function normalizeSearchText(raw: string): string {
  return searchWords(raw).join(' ');
}
