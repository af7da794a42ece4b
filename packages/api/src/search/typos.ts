/**
 * How many typos a word may contain and still be corrected, by its length, as Meilisearch does:
 * none under 5 letters (short words have too many near neighbours: "cat" is one edit from "car",
 * "chat", "at"), one from 5, two from 9.
 */
export const TYPO_BUDGET = { oneFrom: 5, twoFrom: 9 } as const;

export function typoBudget(length: number): 0 | 1 | 2 {
  if (length >= TYPO_BUDGET.twoFrom) return 2;
  if (length >= TYPO_BUDGET.oneFrom) return 1;
  return 0;
}

/** A last word shorter than this is matched whole: a one-letter prefix matches nearly everything. */
export const MIN_PREFIX_LENGTH = 2;
