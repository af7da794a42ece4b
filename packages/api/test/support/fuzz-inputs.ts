/**
 * fast-check arbitraries for hostile requests: inputs near every bound the API and PostgreSQL
 * have (int4, NUL, lone surrogates, LIKE wildcards, cursors, huge and deep values), malformed
 * wire formats, batches past the limit, forged forwarding headers, and sign-in `next` values
 * built from what browsers read as a path separator or drop.
 */
import { CATEGORIES } from '@stash/validators';
import fc from 'fast-check';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const edgeNumber = fc.constantFrom(
  0,
  -1,
  1,
  0.5,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_649,
  2 ** 53 - 1,
  2 ** 53,
  1e308,
  -1e308,
  Number.MIN_VALUE,
);
const number = fc.oneof(edgeNumber, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

const nastyText = fc.constantFrom(
  '%',
  '_',
  '\\',
  '%_\\',
  'data_teams',
  'a\\b',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFF',
  "'; DROP TABLE agents; --",
  '<script>alert(1)</script>',
  '\u202Eevil',
  'ａｎａｌｙｓｔ',
  '😀'.repeat(60),
  ' ',
  '',
  '__proto__',
  'constructor',
);
const text = fc.oneof(
  nastyText,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(120, 5_000, 100_000).map((n) => 'x'.repeat(n)),
);

const cursor = fc.oneof(
  text,
  fc
    .tuple(
      fc.oneof(
        number,
        text,
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      number,
    )
    .map(b64),
  fc.constantFrom(
    b64([1e308, 1]),
    b64(['-271821-04-20T00:00:00.000Z', 1]),
    b64(['+275760-09-13T00:00:00.000Z', 2_147_483_648]),
    b64([1, 2 ** 53]),
  ),
  fc.jsonValue({ maxDepth: 2 }).map(b64),
);

const value = fc.oneof(
  number,
  text,
  cursor,
  fc.constant(null),
  fc.boolean(),
  fc.array(number, { maxLength: 150 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const KEYS = [
  'query',
  'category',
  'sortBy',
  'limit',
  'cursor',
  'id',
  'slug',
  'workspaceId',
  'agentId',
  'agentIds',
  'email',
  'password',
  'role',
  'userId',
  'name',
  'description',
  'steps',
];

const plausible = fc.record(
  {
    query: text,
    category: fc.constantFrom(...CATEGORIES, 'nope'),
    sortBy: fc.constantFrom('trending', 'newest', 'rating', 'installs', 'x'),
    limit: number,
    cursor,
    id: number,
    workspaceId: number,
    agentId: number,
    agentIds: fc.array(number, { maxLength: 120 }),
    userId: number,
    email: fc.oneof(fc.emailAddress(), text),
    password: text,
    role: fc.constantFrom('OWNER', 'MEMBER', 'ADMIN'),
    name: text,
    description: text,
    steps: fc.array(
      fc.record(
        {
          name: text,
          action: text,
          agentSlug: text,
          config: fc.dictionary(text, fc.oneof(text, number, fc.boolean()), { maxKeys: 4 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 60 },
    ),
  },
  { requiredKeys: [] },
);

const smallText = fc.oneof(nastyText, fc.string({ unit: 'binary', maxLength: 20 }));

// Every field a procedure reads, each near a bound: extra keys are dropped by the (non-strict)
// schemas, so one of these is a valid-looking input for most procedures at once, with the
// hostile value where it hurts (an id past int4, a NUL in the search text, a wild cursor).
const nearValid = fc.record({
  query: smallText,
  category: fc.constantFrom(...CATEGORIES),
  sortBy: fc.constantFrom('trending', 'newest', 'rating', 'installs'),
  limit: fc.integer({ min: 1, max: 50 }),
  cursor: fc.option(cursor, { nil: undefined }),
  id: edgeNumber,
  workspaceId: fc.oneof(edgeNumber, fc.integer({ min: 1, max: 8 })),
  agentId: fc.oneof(edgeNumber, fc.integer({ min: 1, max: 200 })),
  agentIds: fc.array(fc.oneof(edgeNumber, fc.integer({ min: 1, max: 200 })), { minLength: 1, maxLength: 5 }),
  userId: fc.oneof(edgeNumber, fc.integer({ min: 1, max: 8 })),
  email: fc.emailAddress(),
  password: smallText,
  role: fc.constantFrom('OWNER', 'MEMBER'),
  name: smallText,
  description: smallText,
  steps: fc.array(
    fc.record({
      name: smallText,
      action: smallText,
      config: fc.dictionary(smallText, fc.oneof(smallText, number), { maxKeys: 2 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

export const fuzzInput = fc.oneof(
  { weight: 3, arbitrary: nearValid },
  plausible,
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 }),
  value,
  fc.constant(undefined),
);

/** Bodies and `?input=` values that are not well-formed superjson documents. */
export const malformedWire = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '{"json":',
    '{"json":{"id":1},"meta":{"values":{"id":["bigint"]}}}',
    '{"json":{"x":"y"},"meta":{"values":{"__proto__.polluted":["undefined"]}}}',
    '{"json":{"x":"1"},"meta":{"values":{"x":["class","Nope"]}}}',
    '{"json":{"d":"not a date"},"meta":{"values":{"d":["Date"]}}}',
    '{"0":{"json":1},"1":',
    'null',
    '[]',
    '"\\u0000"',
  ),
  // Deep values, written as text: serializing them client-side would overflow our own stack.
  fc.integer({ min: 10, max: 50_000 }).map((d) => `{"json":{"query":${'['.repeat(d)}1${']'.repeat(d)}}}`),
  fc
    .integer({ min: 10, max: 20_000 })
    .map((d) => `{"json":${'{"a":'.repeat(d)}1${'}'.repeat(d)},"meta":{"values":{"a":["undefined"]}}}`),
);

export type Headers = 'json' | 'cross-site' | 'text-plain';

export const fuzzHeaders = fc.constantFrom<Headers>(
  'json',
  'json',
  'json',
  'json',
  'json',
  'cross-site',
  'text-plain',
);

// Forwarding headers as a client (not a proxy we trust) would forge them: addresses of every
// family and spelling, garbage, long chains, and our own peer header.
const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom(
    '127.0.0.1',
    '::1',
    '::ffff:10.0.0.1',
    '[::1]:443',
    '10.0.0.1:8080',
    'unknown',
    '',
    ' ',
    '_',
    '0',
  ),
  smallText,
);
export const forwardedHeaders = fc
  .record(
    {
      'x-forwarded-for': fc.oneof(
        fc.array(address, { maxLength: 6 }).map((chain) => chain.join(', ')),
        fc.constantFrom(',,,', ', ', 'x'.repeat(8_000), '1.1.1.1,'.repeat(500)),
      ),
      'x-stash-peer': address,
      'x-forwarded-host': fc.oneof(fc.domain(), smallText),
      forwarded: fc.constantFrom(
        'for=6.6.6.6',
        'for="[2001:db8::1]:80";proto=https',
        'for=unknown, for=_hidden',
      ),
    },
    { requiredKeys: [] },
  )
  .map((headers) =>
    // fetch refuses header values with control characters or non-Latin-1: what reaches a server.
    Object.fromEntries(Object.entries(headers).filter(([, value]) => /^[\x20-\x7e]*$/.test(value))),
  );

// Pieces a browser reads as `/` or drops, and places where they escape to another host.
const nextPiece = fc.constantFrom(
  '/',
  '\\',
  '\t',
  '\n',
  '\r',
  ' ',
  '\u0000',
  '%09',
  '%5C',
  '%2F',
  '.',
  '..',
  'evil.example',
  '@evil.example',
  ':',
  'https:',
  'javascript:',
  '//',
  '?',
  '#',
  'workspaces',
  '\u3002', // ideographic full stop
  '\uFF0F', // fullwidth solidus
);
export const nextParam = fc.oneof(
  fc.array(nextPiece, { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.webUrl(),
  fc.webPath(),
);
