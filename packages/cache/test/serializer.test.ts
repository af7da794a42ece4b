import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../src/revive';
import { deepFreeze, deserialize, serialize, toSuperJSON } from '../src/serializer';

// Keys include `.`, `\`, unicode and the empty string (superjson escapes some of them in paths).
const keyArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('a.b', 'a\\b', '', '.'));

/** Plain JSON and Dates (the fast path), plus every shape that must fall back to superjson. */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.integer(),
    fc.double(), // NaN, ±Infinity and -0 included
    fc.boolean(),
    fc.constant(null),
    fc.date(), // invalid dates included
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4 }), // null prototypes included
    fc.constantFrom(undefined, 10n, new Map([[1, new Date(5)]]), new Set(['x'])),
  ),
}));

const roundTripBySuperjson = (v: unknown) => superjson.parse(superjson.stringify(v));

describe('serializer', () => {
  it('writes what superjson writes and reads back what superjson reads back', () => {
    fc.assert(
      fc.property(value, (v) => {
        let expected: string;
        try {
          expected = superjson.stringify(v);
        } catch {
          return; // superjson refuses it (e.g. a __proto__ key); so may we
        }
        const payload = serialize(v);
        // Same document; only the order of meta entries may differ, which superjson ignores.
        expect(JSON.parse(payload)).toStrictEqual(JSON.parse(expected));
        expect(isDeepStrictEqual(deserialize(payload), roundTripBySuperjson(v))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('builds the document superjson.serialize builds, for an HTTP response transformer', () => {
    fc.assert(
      fc.property(value, (v) => {
        let expected: unknown;
        try {
          expected = JSON.parse(JSON.stringify(superjson.serialize(v)));
        } catch {
          return;
        }
        // What a client receives: the document after JSON.stringify, read back by superjson.
        const sent = JSON.parse(JSON.stringify(toSuperJSON(v)));
        expect(sent).toStrictEqual(expected);
        expect(isDeepStrictEqual(superjson.deserialize(sent), roundTripBySuperjson(v))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads ISO date strings exactly as new Date does, out-of-range fields included', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const iso = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two, two, two, two, two, fc.integer({ min: 0, max: 999 }))
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`,
      );
    const odd = fc.constantFrom(
      '2024-02-30T00:00:00.000Z',
      '2024-1-01T00:00:00.000Z',
      '0099-01-01T00:00:00.000Z',
      'x',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          iso,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          odd,
        ),
        (s) => {
          // Twice: the second read comes from the remembered strings, and is a Date of its own.
          const first = parseIsoDate(s);
          const again = parseIsoDate(s);
          expect(Object.is(first.getTime(), new Date(s).getTime())).toBe(true);
          expect(Object.is(again.getTime(), new Date(s).getTime())).toBe(true);
          expect(again).not.toBe(first);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('falls back to superjson for shared references, Maps and root Dates', () => {
    const shared = { at: new Date(7) };
    const cases = [
      { a: shared, b: shared },
      new Map([['k', { d: new Date(1) }]]),
      new Date(3),
      [new Date(4)],
    ];
    for (const v of cases) {
      expect(JSON.parse(serialize(v))).toStrictEqual(JSON.parse(superjson.stringify(v)));
      expect(isDeepStrictEqual(deserialize(serialize(v)), roundTripBySuperjson(v))).toBe(true);
    }
    const back = deserialize<{ a: object; b: object }>(serialize(cases[0]));
    expect(back.a).toBe(back.b);
  });

  it('deep-freezes shared values so a mutation throws in strict mode', () => {
    const v = deepFreeze({ items: [{ at: new Date(1), tags: ['x'] }] });
    expect(() => {
      (v.items[0] as { tags: string[] }).tags.push('y');
    }).toThrow(TypeError);
    expect(Object.isFrozen(v.items)).toBe(true);
  });
});
