/**
 * Text with the search's matched ranges in <mark>. The ranges come from the API as offsets into
 * this very string; the text is rendered as React text nodes, never as markup.
 */
type Range = readonly [start: number, end: number];

export function Highlighted({ text, ranges }: { text: string; ranges: readonly Range[] | undefined }) {
  if (!ranges || ranges.length === 0) return text;
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    // Ranges are sorted and disjoint; anything else (out of bounds, overlapping) is skipped.
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
