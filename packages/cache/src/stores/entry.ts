/**
 * The stored form of an entry in Redis: `<header JSON>\n<payload>` (layout in lua.ts). Built
 * here rather than in Lua: handing a ~10 KB payload to a script costs Redis more (about 15 µs
 * per call on the 2-core bench machine) than everything else the write does.
 */
import type { StoredEntry, WriteRequest } from './store';

export function encodeEntry(request: WriteRequest, bornAt: number): string {
  // JSON never contains a raw newline, so the first `\n` ends the header.
  const header = `{"t":${JSON.stringify(request.tags)},"b":${request.builtAt},"n":${bornAt},"f":${request.freshUntil},"x":${request.expiresAt}}`;
  return `${header}\n${request.payload}`;
}

/** Null when absent or unreadable (another writer's garbage counts as no entry). */
export function parseEntry(raw: string | null | undefined): StoredEntry | null {
  if (!raw) return null;
  const newline = raw.indexOf('\n');
  if (newline < 0) return null;
  let header: { t: string[]; b: number; n: number; f: number; x: number };
  try {
    header = JSON.parse(raw.slice(0, newline)) as typeof header;
  } catch {
    return null;
  }
  if (!Array.isArray(header.t) || typeof header.b !== 'number') return null;
  return {
    payload: raw.slice(newline + 1),
    tags: header.t,
    builtAt: header.b,
    bornAt: header.n,
    freshUntil: header.f,
    expiresAt: header.x,
  };
}
