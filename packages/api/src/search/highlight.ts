/**
 * Match ranges for highlighting, read from ts_headline's output. PostgreSQL decides what matched
 * (stems, prefixes) exactly as it did for the search; the marks come back as control characters
 * no listing contains, and are turned into [start, end) offsets of the original string (UTF-16,
 * as JavaScript slices), so the browser renders text and <mark> elements, never markup.
 */
export type MatchRange = readonly [start: number, end: number];

export const MARK_START = '\u0001';
export const MARK_END = '\u0002';
export const HEADLINE_OPTIONS = `HighlightAll=true, StartSel="${MARK_START}", StopSel="${MARK_END}"`;

/**
 * The ranges marked in `marked`, or none when the marks cannot be trusted: the original already
 * contains a marker character, or removing the marks does not give the original back.
 */
export function markedRanges(original: string, marked: string | null): MatchRange[] {
  if (!marked || original.includes(MARK_START) || original.includes(MARK_END)) return [];
  const ranges: Array<[number, number]> = [];
  let plain = '';
  let open: number | null = null;
  for (const char of marked) {
    if (char === MARK_START) open = plain.length;
    else if (char === MARK_END && open !== null) {
      if (plain.length > open) ranges.push([open, plain.length]);
      open = null;
    } else plain += char;
  }
  return plain === original ? ranges : [];
}
