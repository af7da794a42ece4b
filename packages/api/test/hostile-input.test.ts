/**
 * Input that used to reach PostgreSQL and come back as a 500 (or as the wrong rows): LIKE
 * metacharacters and full-text syntax in search, ids past int4, NUL bytes, cursors whose values no column can hold.
 * Each is now read as plain words or a BAD_REQUEST that says what was wrong.
 */
import { DEMO_PASSWORD } from '@stash/db';
import { INT4_MAX } from '@stash/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTRPCError } from './support/errors';
import { ADA, createHarness, type Harness } from './support/harness';
import { signedInCookie, trpcGet, trpcPost } from './support/http';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const cursorOf = (value: unknown, id: unknown) =>
  Buffer.from(JSON.stringify([value, id])).toString('base64url');

describe('search reads words, never operators', () => {
  // LIKE's wildcards and full-text query syntax: none may act as an operator or reach the parser.
  const METAS = ['%', '_', '\\', "'", ':*', '&', '|', '!', '(', '<->'];
  const names = ['Lit%Mid', 'Lit_Mid', 'Solo %'];
  // What a wildcard reading of "lit%mid" or "lit_mid" would also match.
  const decoys = ['LitXMid', 'LitXYMid'];

  beforeAll(async () => {
    const author = await h.db.prisma.user.findFirstOrThrow();
    // No tags given: the search document must not be NULL for an agent without tags.
    await h.db.prisma.agent.createMany({
      data: [...names, ...decoys].map((name, i) => ({
        slug: `literal-${i}`,
        name,
        description: 'crafted for the literal search test',
        category: 'data',
        authorId: author.id,
      })),
    });
  });

  /** Every page of a search, walked with the cursor. */
  async function searchAll(query: string): Promise<string[]> {
    const { api } = await h.as(null);
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.marketplace.search({ query, limit: 50, cursor });
      found.push(...page.items.map((a) => a.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return found.sort();
  }

  const queries = METAS.flatMap((m) => [m, `lit${m}mid`, `${m}lead`, `trail${m}`, `solo ${m}`]);

  it.each(queries)('%j is searched as its words, punctuation separating them', async (query) => {
    const words = query.replace(/[^\p{L}\p{N}]+/gu, ' ');
    expect(await searchAll(query)).toEqual(await searchAll(words));
  });

  it('matches no wildcard: "lit%mid" and "lit_mid" find Lit…Mid names, never LitXMid', async () => {
    for (const query of ['lit%mid', 'lit_mid']) {
      const found = await searchAll(query);
      expect(found).toEqual(expect.arrayContaining(['Lit%Mid', 'Lit_Mid']));
      expect(found).not.toContain('LitXMid');
      expect(found).not.toContain('LitXYMid');
    }
  });
});

describe('ids must fit the integer columns', () => {
  const tooBig = [INT4_MAX + 1, 2 ** 53 - 1];

  it.each(tooBig)('refuses %d on every procedure that takes an id', async (id) => {
    const { api } = await h.as(ADA);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['templates.byId', () => api.templates.byId({ id })],
      ['templates.update', () => api.templates.update({ id, name: 'x' })],
      ['marketplace.agent', () => api.marketplace.agent({ id })],
      ['workspaces.byId', () => api.workspaces.byId({ workspaceId: id })],
      ['workspaces.installState', () => api.workspaces.installState({ workspaceId: 1, agentIds: [id] })],
      ['installs.install', () => api.installs.install({ workspaceId: 1, agentId: id })],
      ['installs.uninstall', () => api.installs.uninstall({ workspaceId: id, agentId: 1 })],
    ];
    for (const [name, call] of calls) {
      const error = await expectTRPCError(call(), 'BAD_REQUEST');
      expect(error.message, name).toMatch(/at most 2147483647/);
    }
  });

  it('still serves the largest id an integer column holds (as not found)', async () => {
    const { api } = await h.as(null);
    await expectTRPCError(api.templates.byId({ id: INT4_MAX }), 'NOT_FOUND');
  });
});

describe('text the database cannot store', () => {
  it.each(['\u0000', 'a\u0000', '\u0000b', 'data\u0000teams', 'lone \uD800 surrogate'])(
    'refuses %j in search and in template fields',
    async (bad) => {
      const { api } = await h.as(ADA);
      const search = await expectTRPCError(api.marketplace.search({ query: bad }), 'BAD_REQUEST');
      expect(search.message).toMatch(/NUL/);
      const step = { name: 'step', action: 'run' };
      const withStep = (overrides: object) => ({
        name: 'ok',
        description: 'd',
        category: 'data' as const,
        steps: [{ ...step, ...overrides }],
      });
      for (const input of [
        { ...withStep({}), name: bad },
        withStep({ config: { [bad]: 'key' } }),
        withStep({ config: { value: bad } }),
      ]) {
        await expectTRPCError(api.templates.create(input), 'BAD_REQUEST');
      }
    },
  );

  it('signs in with a NUL in the password as a plain wrong password', async () => {
    const { api } = await h.as(null);
    await expectTRPCError(
      api.auth.signIn({ email: ADA, password: `${DEMO_PASSWORD}\u0000` }),
      'UNAUTHORIZED',
    );
  });
});

describe('keys the wire format refuses', () => {
  // superjson refuses to serialize an object with one of these keys (prototype pollution): a
  // template storing one would answer 500 to everyone who lists or opens it, for good.
  const create = async (key: string) => {
    const cookie = await signedInCookie(h, ADA);
    const step = `{"name":"step","action":"run","config":{${JSON.stringify(key)}:"x"}}`;
    const body = `{"json":{"name":"keys","description":"d","category":"data","steps":[${step}]}}`;
    const created = await trpcPost(h, 'templates.create', body, {
      cookie,
      'content-type': 'application/json',
    });
    const list = await trpcGet(h, 'templates.list', { category: 'data' }, { cookie });
    return { created, list };
  };

  it.each(['constructor', 'prototype'])(
    'refuses %j as a step config key; the list keeps answering',
    async (key) => {
      const { created, list } = await create(key);
      expect(created.status).toBe(400);
      expect(await created.text()).toContain(`steps[0].config.${key}`);
      expect(list.status).toBe(200);
    },
  );

  it('drops "__proto__" (the schema never copies it), so nothing unserializable is stored', async () => {
    const { created, list } = await create('__proto__');
    expect(created.status).toBe(200);
    expect(list.status).toBe(200);
    const stored = await h.db.prisma.workflowTemplate.findFirstOrThrow({ where: { name: 'keys' } });
    expect(JSON.stringify(stored.steps)).not.toContain('__proto__');
  });
});

describe('cursors must decode to values the column can hold', () => {
  it.each([
    ['an installs count past int4', { sortBy: 'installs' as const, cursor: cursorOf(1e308, 1) }],
    ['a fractional installs count', { sortBy: 'installs' as const, cursor: cursorOf(1.5, 1) }],
    [
      'a date in year -271821',
      { sortBy: 'newest' as const, cursor: cursorOf('-271821-04-20T00:00:00.000Z', 1) },
    ],
    [
      'a date in year 275760',
      { sortBy: 'newest' as const, cursor: cursorOf('+275760-09-13T00:00:00.000Z', 1) },
    ],
    ['an id past int4', { sortBy: 'trending' as const, cursor: cursorOf(1, INT4_MAX + 1) }],
  ])('refuses %s', async (_name, input) => {
    const { api } = await h.as(null);
    const error = await expectTRPCError(api.marketplace.search(input), 'BAD_REQUEST');
    expect(error.message).toMatch(/cursor/i);
  });

  it('refuses an out-of-range date cursor for templates too', async () => {
    const { api } = await h.as(null);
    const cursor = cursorOf('-271821-04-20T00:00:00.000Z', 1);
    await expectTRPCError(api.templates.list({ category: 'data', cursor }), 'BAD_REQUEST');
  });

  it('accepts extreme values the columns do hold', async () => {
    const { api } = await h.as(null);
    const page = await api.marketplace.search({ sortBy: 'rating', cursor: cursorOf(1e308, INT4_MAX) });
    expect(page.items.length).toBeGreaterThan(0);
    const installs = await api.marketplace.search({ sortBy: 'installs', cursor: cursorOf(INT4_MAX, 1) });
    expect(installs.items.length).toBeGreaterThan(0);
  });
});
