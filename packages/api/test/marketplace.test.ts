import type { Category } from '@stash/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTRPCError } from './support/errors';
import { countQueries, createHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('marketplace.search', () => {
  it('returns published agents sorted by the chosen column, paginated without overlap', async () => {
    const { api } = await h.as(null);
    const first = await api.marketplace.search({ sortBy: 'installs', limit: 10 });
    expect(first.items).toHaveLength(10);
    const counts = first.items.map((a) => a.installCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await api.marketplace.search({ sortBy: 'installs', limit: 10, cursor: first.nextCursor! });
    const firstIds = new Set(first.items.map((a) => a.id));
    expect(second.items.some((a) => firstIds.has(a.id))).toBe(false);
    expect(second.items[0]!.installCount).toBeLessThanOrEqual(counts.at(-1)!);
  });

  it('walks every page of a category with the cursor and sees each agent once', async () => {
    const { api } = await h.as(null);
    const [biggest] = (await api.marketplace.categories()).sort((a, b) => b.count - a.count);
    const { count } = biggest!;
    const category = biggest!.category as Category;
    const seen = new Set<number>();
    let cursor: string | undefined;
    do {
      const page = await api.marketplace.search({ category, sortBy: 'newest', limit: 7, cursor });
      for (const agent of page.items) {
        expect(agent.category).toBe(category);
        expect(seen.has(agent.id)).toBe(false);
        seen.add(agent.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.size).toBe(count);
  });

  it('matches words case-insensitively in name, description or tags', async () => {
    const { api } = await h.as(null);
    const sample = await h.db.prisma.agent.findFirstOrThrow({
      where: { published: true },
      orderBy: { id: 'asc' },
    });
    const word = sample.name.split(/\s+/)[0]!;
    const result = await api.marketplace.search({ query: word.toUpperCase(), limit: 50 });
    expect(result.items.map((a) => a.id)).toContain(sample.id);
    for (const agent of result.items) {
      const haystack = `${agent.name} ${agent.description} ${agent.tags.join(' ')}`.toLowerCase();
      expect(haystack).toContain(word.toLowerCase());
    }
    const none = await api.marketplace.search({ query: 'zzqqxx qqzzyy' });
    expect(none).toEqual({
      items: [],
      nextCursor: null,
      total: 0,
      totalIsEstimate: false,
      correctedQuery: null,
    });
  });

  it.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 51', { limit: 51 }, 'limit'],
    ['fractional limit', { limit: 2.5 }, 'limit'],
    ['unknown sort', { sortBy: 'cheapest' }, 'sortBy'],
    ['query too long', { query: 'x'.repeat(101) }, 'query'],
    ['wrong type', { query: 42 }, 'query'],
    ['malformed cursor', { cursor: 'not-a-cursor' }, 'cursor'],
    ['cursor with a bad id', { cursor: Buffer.from('[1,-4]').toString('base64url') }, 'cursor'],
    [
      'cursor of another sort',
      { sortBy: 'installs', cursor: Buffer.from('["x",4]').toString('base64url') },
      'cursor',
    ],
    [
      'date cursor not a date',
      { sortBy: 'newest', cursor: Buffer.from('["soon",4]').toString('base64url') },
      'cursor',
    ],
    ['unknown category', { category: 'astrology' }, 'category'],
  ])('rejects %s with BAD_REQUEST naming the field', async (_name, input, field) => {
    const { api } = await h.as(null);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    const error = await expectTRPCError(api.marketplace.search(input as any), 'BAD_REQUEST');
    expect(error.message).toContain(field);
  });
});

describe('marketplace.agent and categories', () => {
  it('finds an agent by id and by slug; unknown ones are NOT_FOUND', async () => {
    const { api } = await h.as(null);
    const row = await h.db.prisma.agent.findFirstOrThrow({ where: { published: true } });
    expect((await api.marketplace.agent({ id: row.id })).slug).toBe(row.slug);
    expect((await api.marketplace.agent({ slug: row.slug })).id).toBe(row.id);
    await expectTRPCError(api.marketplace.agent({ id: 999_999 }), 'NOT_FOUND');
    await expectTRPCError(api.marketplace.agent({ slug: 'no-such-agent' }), 'NOT_FOUND');
    await expectTRPCError(api.marketplace.agent({ slug: '' }), 'BAD_REQUEST');
  });

  it('does not show unpublished agents', async () => {
    const { api } = await h.as(null);
    const hidden = await h.db.prisma.agent.findFirst({ where: { published: false } });
    if (!hidden) return expect.fail('the seed should contain unpublished agents');
    await expectTRPCError(api.marketplace.agent({ id: hidden.id }), 'NOT_FOUND');
  });

  it('counts published agents per category', async () => {
    const { api } = await h.as(null);
    const categories = await api.marketplace.categories();
    const total = categories.reduce((sum, c) => sum + c.count, 0);
    expect(total).toBe(await h.db.prisma.agent.count({ where: { published: true } }));
  });
});

describe('caching seen from the caller', () => {
  it('answers a repeated search from the cache without SQL', async () => {
    const input = { query: 'data', sortBy: 'rating', limit: 5 } as const;
    const first = await h.as(null);
    const miss = await countQueries(h, () => first.api.marketplace.search(input));
    expect(first.ctx.cacheReport.get('marketplace.search')).toBe('miss');
    expect(miss.queries).toBeGreaterThan(0);

    const second = await h.as(null);
    const hit = await countQueries(h, () => second.api.marketplace.search(input));
    expect(second.ctx.cacheReport.get('marketplace.search')).toBe('hit');
    expect(hit.queries).toBe(0);
    expect(hit.result).toEqual(miss.result);
  });

  it('keys on the parsed input: reordered keys and spelled-out defaults hit the same entry', async () => {
    const a = await h.as(null);
    await a.api.marketplace.search({ category: 'writing' });
    const b = await h.as(null);
    const { queries } = await countQueries(h, () =>
      b.api.marketplace.search({ limit: 20, sortBy: 'trending', category: 'writing', query: '  ' }),
    );
    expect(b.ctx.cacheReport.get('marketplace.search')).toBe('hit');
    expect(queries).toBe(0);
  });

  it('shares public entries between users', async () => {
    const ada = await h.as('ada@stash.dev');
    await ada.api.marketplace.categories();
    const grace = await h.as('grace@stash.dev');
    await grace.api.marketplace.categories();
    expect(grace.ctx.cacheReport.get('marketplace.categories')).toBe('hit');
  });

  it('lets an admin bypass or refresh the cache, and ignores that wish from anyone else', async () => {
    const input = { query: 'bypass-check' };
    await (await h.as(null)).api.marketplace.search(input);
    const admin = await h.as('ada@stash.dev', 'bypass');
    const bypassed = await countQueries(h, () => admin.api.marketplace.search(input));
    expect(admin.ctx.cacheReport.get('marketplace.search')).toBe('bypass');
    expect(bypassed.queries).toBeGreaterThan(0);

    const notAdmin = await h.as('grace@stash.dev', 'bypass');
    const served = await countQueries(h, () => notAdmin.api.marketplace.search(input));
    expect(notAdmin.ctx.cacheReport.get('marketplace.search')).toBe('hit');
    expect(served.queries).toBe(0);
  });
});
