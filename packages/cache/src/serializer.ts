/**
 * One serializer for every tier: the memory store and Redis hold the same superjson string
 * (`{"json": ..., "meta": ...}`), so a value read from any tier comes back identical (Dates,
 * Maps, Sets, BigInt, undefined fields).
 *
 * superjson itself walks every node of the value on the way in (about 4× `JSON.stringify` on an
 * 9 KB list) and resolves each annotated path with its generic path parser on the way out (about
 * 3× `JSON.parse`). Cached values are overwhelmingly plain JSON plus Dates, so both directions
 * take a fast path for exactly that shape and produce or accept the same document superjson
 * would; anything else (Map, Set, BigInt, undefined, NaN, -0, shared references, class
 * instances, awkward keys) falls back to superjson itself. `test/serializer.test.ts` checks the
 * fast path against superjson on generated values.
 */
import superjson from 'superjson';
import { reviveDates, unsafeKey } from './revive';

export function serialize(value: unknown): string {
  const dates = datePathsIfPlain(value);
  if (dates === null) return superjson.stringify(value);
  // Date#toJSON is toISOString, which is also what superjson stores for a Date.
  const json = JSON.stringify(value);
  if (dates.length === 0) return `{"json":${json}}`;
  const values = dates.map(dateAnnotation).join(',');
  return `{"json":${json},"meta":{"values":{${values}},"v":1}}`;
}

/** What `superjson.serialize` returns: the JSON-safe value and the annotations to revive it. */
export interface SuperJSONDocument {
  json: unknown;
  meta?: { values?: Record<string, unknown>; v?: number; [other: string]: unknown };
}

/**
 * `superjson.serialize(value)`, cheaply for plain JSON plus Dates: the `json` part is `value`
 * itself (its Dates turn into the same ISO strings when the document is JSON.stringify'd), so
 * the value is walked once here and once by the caller's JSON.stringify, never copied. Meant for
 * an HTTP response transformer; treat `value` as read-only until the document is written.
 */
export function toSuperJSON(value: unknown): SuperJSONDocument {
  const dates = datePathsIfPlain(value);
  if (dates === null) return superjson.serialize(value) as SuperJSONDocument;
  if (dates.length === 0) return { json: value };
  const values: Record<string, unknown> = {};
  for (const path of dates) values[path] = ['Date'];
  return { json: value, meta: { values, v: 1 } };
}

/** The superjson paths of the Dates in `value`, or null when superjson itself must handle it. */
function datePathsIfPlain(value: unknown): string[] | null {
  // Roots: rare, and superjson annotates them differently.
  if (typeof value !== 'object' || value === null || value instanceof Date) return null;
  const dates: string[] = [];
  return plain(value, [], dates, new Set()) ? dates : null;
}

export function deserialize<T>(payload: string): T {
  const parsed = JSON.parse(payload) as { json: unknown; meta?: SuperMeta };
  const meta = parsed.meta;
  if (meta === undefined) return parsed.json as T;
  if (meta.referentialEqualities === undefined && reviveDates(parsed.json, meta.values)) {
    return parsed.json as T;
  }
  return superjson.deserialize<T>({ json: parsed.json as never, meta: meta as never });
}

/** Approximate in-memory size: UTF-16 code units are 2 bytes each. Cheap (O(1) per string). */
export function approximateBytes(payload: string, tags: readonly string[]): number {
  let bytes = payload.length * 2 + 64;
  for (const tag of tags) bytes += tag.length * 2 + 16;
  return bytes;
}

/**
 * Outside production, values shared between callers (L1 and memory-store hits) are frozen, so
 * a caller that mutates one gets a TypeError instead of silently corrupting every later hit.
 * Map/Set contents and Date internals cannot be frozen; they are shared all the same.
 */
const FREEZE_SHARED = process.env.NODE_ENV !== 'production';

/** A decoded value about to be handed to more than one caller. */
export function shareable<T>(value: T): T {
  return FREEZE_SHARED ? deepFreeze(value) : value;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v);
  } else {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

interface SuperMeta {
  values?: unknown;
  referentialEqualities?: unknown;
}

/** superjson's path escaping (pathstringifier.ts), needed only for keys holding `.` or `\`. */
const escapeKey = (key: string) =>
  key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;

/**
 * `"<path>":["Date"]`, remembered per path: a list's misses annotate the same paths
 * (`items.0.createdAt`, ...) every time. Bounded, cleared when full.
 */
const annotations = new Map<string, string>();
function dateAnnotation(path: string): string {
  let annotation = annotations.get(path);
  if (annotation === undefined) {
    annotation = `${JSON.stringify(path)}:["Date"]`;
    if (annotations.size >= 10_000) annotations.clear();
    annotations.set(path, annotation);
  }
  return annotation;
}

/**
 * True when `value` is plain JSON plus valid Dates with no object seen twice; `dates` collects
 * the superjson paths (`a.0.createdAt`) of the Dates found.
 */
function plain(value: unknown, path: string[], dates: string[], seen: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false; // undefined, bigint, symbol, function
  }
  if (value === null) return true;
  if (seen.has(value)) return false; // superjson records shared references
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return false;
      path.push(String(i));
      const ok = plain(value[i], path, dates, seen);
      path.pop();
      if (!ok) return false;
    }
    return true;
  }
  if (value instanceof Date) {
    // Subclasses or an own toJSON could make JSON.stringify differ from toISOString.
    const exact = Object.getPrototypeOf(value) === Date.prototype && !Object.hasOwn(value, 'toJSON');
    if (!exact || Number.isNaN(value.getTime())) return false;
    dates.push(path.map(escapeKey).join('.'));
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (unsafeKey(key)) return false;
    path.push(key);
    const ok = plain(record[key], path, dates, seen);
    path.pop();
    if (!ok) return false;
  }
  return true;
}
