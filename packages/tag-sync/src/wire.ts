/**
 * The headers through which the server tells the browser what its answers depend on and what a
 * mutation changed. Shared by both ends (packages/api writes, the link here reads), so the
 * format has one definition. Tags are ids of things the caller read or changed (`agent:12`,
 * `workspace:3`), never data.
 *
 * - response `x-stash-tags: 0=marketplace:lists;2=workspace:3,agent:12`: per cached call, its
 *   tags, keyed by the call's index in the batch. Nothing in it comes from the request: a public
 *   answer is kept by shared caches (CDNs) and served to every client that asks for the URL.
 * - response `x-stash-invalidated: hard=agent:12,workspace:3;soft=marketplace:lists`.
 */
export const TAGS_HEADER = 'x-stash-tags';
export const INVALIDATED_HEADER = 'x-stash-invalidated';

export interface Invalidation {
  /** The data changed: queries that depend on these refetch now. */
  hard: string[];
  /** Lists whose counts may lag (the server refreshes them within its soft lag): refetch when next shown. */
  soft: string[];
}

// Tags are plain ASCII ids, but a header must never break on a category name with a comma or a
// non-Latin-1 character: each tag is URI-encoded, keeping ':' readable.
const encode = (tag: string) => encodeURIComponent(tag).replaceAll('%3A', ':');
const list = (tags: Iterable<string>) => [...tags].map(encode).join(',');

function decodeList(value: string): string[] {
  if (value === '') return [];
  return value.split(',').flatMap((tag) => {
    try {
      return [decodeURIComponent(tag)];
    } catch {
      return []; // not ours: ignore rather than fail the response
    }
  });
}

/** `key=tags;key=tags` <-> Map; a malformed part is skipped. */
function parseSections(header: string | null): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  for (const part of header?.split(';') ?? []) {
    const at = part.indexOf('=');
    if (at > 0) sections.set(part.slice(0, at).trim(), decodeList(part.slice(at + 1).trim()));
  }
  return sections;
}

export function formatCallTags(
  calls: Iterable<readonly [key: string, tags: Iterable<string>]>,
): string | null {
  return joinCallTags([...calls].map(([key, tags]) => [key, encodeTagList(tags)] as const));
}

/** One call's tags in header form, computed once by a server that replays them (stored responses). */
export function encodeTagList(tags: Iterable<string>): string {
  return list(tags);
}

/** `formatCallTags` for tag lists already encoded by `encodeTagList`. */
export function joinCallTags(calls: Iterable<readonly [key: string, encoded: string]>): string | null {
  const parts = [...calls].map(([key, encoded]) => `${key}=${encoded}`);
  return parts.length > 0 ? parts.join(';') : null;
}

/** Call key (batch index, as a string) -> the tags its answer depends on. */
export function parseCallTags(header: string | null): Map<string, string[]> {
  return parseSections(header);
}

export function formatInvalidation(inv: { hard: Iterable<string>; soft: Iterable<string> }): string | null {
  const hard = list(inv.hard);
  const soft = list(inv.soft);
  return hard === '' && soft === '' ? null : `hard=${hard};soft=${soft}`;
}

export function parseInvalidation(header: string | null): Invalidation | null {
  if (!header) return null;
  const sections = parseSections(header);
  const inv = { hard: sections.get('hard') ?? [], soft: sections.get('soft') ?? [] };
  return inv.hard.length + inv.soft.length > 0 ? inv : null;
}
