/**
 * Reviving the Dates of a superjson document in place: the part of a Redis hit's decode that
 * plain `JSON.parse` does not do. It runs on every Redis hit, once per Date, so it avoids the
 * generic costs: a superjson path (`items.0.createdAt`) is split once and remembered (a list's
 * hits revive the same paths over and over), and an ISO string in exactly `toISOString`'s shape
 * is read digit by digit instead of going through the general date parser (about 2× faster).
 * Anything unusual (escaped keys, other annotations) returns false and superjson decides.
 */

/** superjson refuses these keys (prototype pollution); leave the throwing to it. */
export const unsafeKey = (key: string) => key === '__proto__' || key === 'constructor' || key === 'prototype';

/** Split paths by path string; null: not for this fast path. Bounded, cleared when full. */
const segmentsByPath = new Map<string, ReadonlyArray<string | number> | null>();
const MAX_PATHS = 10_000;

function segmentsOf(path: string): ReadonlyArray<string | number> | null {
  let segments = segmentsByPath.get(path);
  if (segments !== undefined) return segments;
  segments = null;
  if (!path.includes('\\')) {
    const parts = path.split('.');
    // Array indexes as numbers: an element access, not a string-keyed property lookup.
    if (!parts.some(unsafeKey)) segments = parts.map((p) => (/^(0|[1-9]\d{0,8})$/.test(p) ? Number(p) : p));
  }
  if (segmentsByPath.size >= MAX_PATHS) segmentsByPath.clear();
  segmentsByPath.set(path, segments);
  return segments;
}

/** The digit at `i`, or 99 for any other character (which then fails every range check). */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : 99;
}

/** `new Date(iso)` (same result, NaN dates included), fast for the strings hits keep reviving. */
export function parseIsoDate(s: string): Date {
  // A list's hits revive the same few Date strings over and over: a Map lookup of a fresh
  // 24-character string costs a third of reading its digits.
  const known = epochByIso.get(s);
  if (known !== undefined) return new Date(known);
  const date = readIsoDate(s);
  if (epochByIso.size >= MAX_DATES) epochByIso.clear();
  epochByIso.set(s, date.getTime()); // NaN for an invalid one: `new Date(NaN)` is that again
  return date;
}

/** ISO string -> epoch ms, for the strings seen lately. Bounded, cleared when full. */
const epochByIso = new Map<string, number>();
const MAX_DATES = 10_000;

/**
 * `new Date(iso)`, faster for `YYYY-MM-DDTHH:mm:ss.sssZ` (what toISOString writes for years
 * 100-9999); every other string goes to `new Date`. Field ranges are checked so the fast path
 * never accepts what the general parser would refuse (Date.UTC rolls over like it does).
 * Straight-line code: this runs once per Date on every Redis hit.
 */
function readIsoDate(s: string): Date {
  if (
    s.length === 24 &&
    s.charCodeAt(4) === 45 && // -
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 && // T
    s.charCodeAt(13) === 58 && // :
    s.charCodeAt(16) === 58 &&
    s.charCodeAt(19) === 46 && // .
    s.charCodeAt(23) === 90 // Z
  ) {
    const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
    const month = digit(s, 5) * 10 + digit(s, 6);
    const day = digit(s, 8) * 10 + digit(s, 9);
    const hour = digit(s, 11) * 10 + digit(s, 12);
    const minute = digit(s, 14) * 10 + digit(s, 15);
    const second = digit(s, 17) * 10 + digit(s, 18);
    const ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
    if (
      year >= 100 &&
      year <= 9999 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 31 &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59 &&
      ms <= 999
    ) {
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
    }
  }
  return new Date(s);
}

/** Applies `{"<path>": ["Date"]}` annotations in place; false (untouched) for anything else. */
export function reviveDates(json: unknown, values: unknown): boolean {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return false;
  const annotations = values as Record<string, unknown>;
  const holders: Array<Record<string | number, unknown>> = [];
  const keys: Array<string | number> = [];
  for (const path in annotations) {
    const annotation = annotations[path];
    if (!Array.isArray(annotation) || annotation.length !== 1 || annotation[0] !== 'Date') return false;
    const segments = segmentsOf(path);
    if (segments === null) return false; // escaped or unsafe keys: superjson's parser
    let node: unknown = json;
    const last = segments.length - 1;
    for (let i = 0; i < last; i++) {
      if (typeof node !== 'object' || node === null) return false;
      node = (node as Record<string | number, unknown>)[segments[i] as string | number];
    }
    if (typeof node !== 'object' || node === null) return false;
    const holder = node as Record<string | number, unknown>;
    const key = segments[last] as string | number;
    if (typeof holder[key] !== 'string') return false;
    holders.push(holder);
    keys.push(key);
  }
  // Everything validated first, so a fallback to superjson sees the untouched json.
  for (let i = 0; i < holders.length; i++) {
    const holder = holders[i] as Record<string | number, unknown>;
    const key = keys[i] as string | number;
    holder[key] = parseIsoDate(holder[key] as string);
  }
  return true;
}
