import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCacheKey, canonicalize } from '../src/index';
import { slotNamespaceOf } from '../src/keys';

const key = (input: unknown) =>
  buildCacheKey({ prefix: 'stash', version: 'v1', path: 'marketplace.search', scope: 'public', input });

// Values as a zod-parsed input can hold them: nested objects/arrays, unicode (including lone
// surrogates), numbers (no -0: it is defined equal to 0), bigint, dates, maps with primitive keys.
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.integer(),
    fc.double().map((d) => (Object.is(d, -0) ? 0 : d)),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt(),
    fc.date(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), {
      maxKeys: 4,
      noNullPrototype: true,
    }),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), tie('value')), { maxLength: 3 })
      .map((entries) => new Map(entries)),
  ),
}));

/** An equivalent copy: reversed key order, extra undefined properties, reversed Map order. */
function shuffled(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(shuffled);
  if (input instanceof Map) return new Map([...input].reverse().map(([k, v]) => [k, shuffled(v)]));
  if (input instanceof Date) return new Date(input.getTime());
  if (input !== null && typeof input === 'object') {
    const out: Record<string, unknown> = { zzExtraUndefined: undefined };
    for (const k of Object.keys(input).reverse()) out[k] = shuffled((input as Record<string, unknown>)[k]);
    return out;
  }
  return input;
}

describe('buildCacheKey', () => {
  it('has the documented shape with the path as cluster hash tag and a bounded hash', () => {
    expect(key({ q: 'chat' })).toMatch(/^stash:v1:\{marketplace\.search\}:public:[A-Za-z0-9_-]{43}$/);
    const user = buildCacheKey({
      prefix: 'stash',
      version: 'v2',
      path: 'workspace.get',
      scope: 'user:42',
      input: 1,
    });
    expect(user).toMatch(/^stash:v2:\{workspace\.get\}:user:42:[A-Za-z0-9_-]{43}$/);
    expect(slotNamespaceOf(user)).toBe('workspace.get');
  });

  it('maps equivalent inputs to one key (key order, undefined fields, map order)', () => {
    fc.assert(
      fc.property(value, (input) => {
        expect(key(shuffled(input))).toBe(key(input));
      }),
      { numRuns: 400 },
    );
    expect(key({ a: 1, b: 2 })).toBe(key({ b: 2, a: 1 }));
    expect(key({ a: 1, c: undefined })).toBe(key({ a: 1 }));
  });

  it('never maps different inputs to one key', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        fc.pre(!isDeepStrictEqual(a, b));
        expect(canonicalize(a)).not.toBe(canonicalize(b));
        expect(key(a)).not.toBe(key(b));
      }),
      { numRuns: 1000 },
    );
    // Near misses a naive join or JSON.stringify would conflate.
    const lookalikes: unknown[] = [
      1,
      '1',
      1n,
      [1, 2],
      [12],
      ['1,2'],
      { a: 'b' },
      { 'a:b': '' },
      { a: null },
      { a: [] },
      {},
      [],
      null,
      'null',
      new Date(0),
      '1970-01-01T00:00:00.000Z',
      new Map([['a', 1]]),
      { a: 1 },
      new Set([1]),
      [1],
      Number.NaN,
      'NaN',
      true,
      'true',
      ['a', 'b'],
      ['a,b'],
    ];
    expect(new Set(lookalikes.map(key)).size).toBe(lookalikes.length);
  });

  it('refuses values it cannot encode faithfully instead of giving different ones one key', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const unfaithful: Array<[string, unknown]> = [
      ['RegExp', /a/],
      ['URL', new URL('https://example.com/')],
      ['boxed number', Object(1)],
      ['boxed string', Object('s')],
      ['boxed boolean', Object(true)],
      ['Uint8Array', new Uint8Array([7])],
      ['ArrayBuffer', new ArrayBuffer(2)],
      ['class instance', new Point(1)],
      ['Error', new Error('x')],
      ['nested', { filter: { pattern: /b/ } }],
      ['inside a Map', new Map([['k', new Point(2)]])],
      ['function', () => 1],
      ['symbol', Symbol('s')],
    ];
    for (const [name, input] of unfaithful) {
      expect(() => key(input), name).toThrow(TypeError);
    }
    // Plain data is unaffected, including objects without a prototype.
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(key(bare)).toBe(key({ a: 1 }));
  });

  it('keeps keys short for huge inputs and still tells them apart', () => {
    const huge = { items: Array.from({ length: 50_000 }, (_, i) => ({ id: i, name: `agent ${i} 🤖` })) };
    const other = structuredClone(huge);
    other.items[49_999]!.name = 'agent 49999 🤖!';
    expect(key(huge).length).toBeLessThan(100);
    expect(key(huge)).not.toBe(key(other));
    expect(key(huge)).toBe(key(structuredClone(huge)));
  });
});
