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

/** Where the digits of `YYYY-MM-DDTHH:mm:ss.sssZ` are. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * `new Date(iso)`, faster for `YYYY-MM-DDTHH:mm:ss.sssZ` (what toISOString writes for years
 * 100-9999); every other string goes to `new Date`. Field ranges are checked so the fast path
 * never accepts what the general parser would refuse (Date.UTC rolls over like it does).
 */
export function parseIsoDate(s: string): Date {
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
    let ok = true;
    for (const i of DIGITS) {
      const d = digit(s, i);
      if (d < 0 || d > 9) ok = false;
    }
    const year = two(s, 0) * 100 + two(s, 2);
    const month = two(s, 5);
    const day = two(s, 8);
    const hour = two(s, 11);
    const minute = two(s, 14);
    const second = two(s, 17);
    if (
      ok &&
      year >= 100 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 31 &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59
    ) {
      const ms = digit(s, 20) * 100 + two(s, 21);
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
