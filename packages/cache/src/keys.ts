/**
 * Key building. A key is `<prefix>:<version>:{<path>}:<scope>:<hash>`:
 * - the braces make `<path>` the Redis Cluster hash tag, so an entry, its lease and the tag
 *   generations of its namespace share one slot and can be read by one Lua script;
 * - `<hash>` is a SHA-256 of a canonical encoding of the input, so the key length is bounded
 *   no matter how large the input is.
 *
 * The canonical encoding is a small prefix-free grammar (every value starts with a marker that
 * says what it is and where it ends), which makes it injective: two inputs share an encoding
 * only if they are equivalent. "Equivalent" means: object key order ignored, properties whose
 * value is `undefined` ignored (JSON and zod treat them as absent), `-0` equals `0`, Map/Set
 * order ignored. Dates, BigInt, Map, Set, NaN and Infinity are encoded by value. Anything else
 * (RegExp, URL, boxed primitives, typed arrays, class instances, functions, symbols) is refused
 * with a TypeError rather than guessed at.
 */
import { createHash } from 'node:crypto';

export interface CacheKeyParts {
  prefix: string;
  version: string;
  path: string;
  scope: string;
  input: unknown;
}

export function buildCacheKey(parts: CacheKeyParts): string {
  for (const name of ['prefix', 'version', 'path', 'scope'] as const) {
    const part = parts[name];
    if (part.length === 0 || /[{}]/.test(part)) {
      throw new TypeError(
        `cache key ${name} must be non-empty and contain no braces: ${JSON.stringify(part)}`,
      );
    }
  }
  return `${parts.prefix}:${parts.version}:{${parts.path}}:${parts.scope}:${hashInput(parts.input)}`;
}

/** 43 url-safe characters (256 bits) whatever the input size. */
export function hashInput(input: unknown): string {
  return createHash('sha256').update(canonicalize(input)).digest('base64url');
}

export function canonicalize(value: unknown): string {
  const parts: string[] = [];
  encode(value, parts, new Set());
  return parts.join('');
}

function encode(value: unknown, out: string[], seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      // `Object.is(-0, 0)` is false but JSON, zod and every database treat them alike.
      out.push(value === 0 ? '0' : String(value));
      return;
    case 'bigint':
      out.push(`${value}n`);
      return;
    case 'boolean':
      out.push(value ? 'T' : 'F');
      return;
    case 'undefined':
      out.push('U');
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`cannot build a cache key from a ${typeof value}`);
  }
  if (value === null) {
    out.push('N');
    return;
  }
  if (seen.has(value)) throw new TypeError('cannot build a cache key from a circular structure');
  seen.add(value);
  if (value instanceof Date) {
    out.push(`D(${Number.isNaN(value.getTime()) ? 'NaN' : value.toISOString()})`);
  } else if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      encode(value[i], out, seen);
    }
    out.push(']');
  } else if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${canonicalizeIn(k, seen)}=${canonicalizeIn(v, seen)}`);
    out.push(`M{${entries.sort().join(',')}}`);
  } else if (value instanceof Set) {
    const items = [...value].map((v) => canonicalizeIn(v, seen));
    out.push(`S{${items.sort().join(',')}}`);
  } else {
    if (!isPlainObject(value)) {
      // RegExp, URL, boxed primitives, typed arrays, class instances...: their state is not in
      // their own enumerable keys, so encoding them as `{...}` would give different values one key.
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`cannot build a cache key from a ${name}: pass plain data`);
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((k, i) => {
      out.push(i > 0 ? `,${JSON.stringify(k)}:` : `${JSON.stringify(k)}:`);
      encode(record[k], out, seen);
    });
    out.push('}');
  }
  seen.delete(value);
}

/** An object literal or `Object.create(null)`: all its state is in its own enumerable keys. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function canonicalizeIn(value: unknown, seen: Set<object>): string {
  const parts: string[] = [];
  encode(value, parts, seen);
  return parts.join('');
}

/**
 * The namespace whose slot holds this key: the Redis hash tag (content of the first `{...}`),
 * else the third `:` segment (the procedure path in the documented key shape), else 'default'.
 */
export function slotNamespaceOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key.split(':')[2] ?? 'default';
}

/** True when Redis would hash this key by a `{...}` tag (first `{`, then a non-empty `...}`). */
export function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open < 0) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}
