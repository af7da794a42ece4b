/**
 * Search semantics on the small test seed: normalization shares cache entries, AND with an OR
 * fallback, Best match ordering, typo correction, prefixes, highlights, exact totals and pages
 * that stay stable in the new order. Quality on the demo seed is search-quality.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchInput } from '../src/routers/marketplace';
import { normalizeSearchText } from '../src/search/normalize';
import { typoBudget } from '../src/search/typos';
import { countQueries, createHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  // Fixed listings to search for, beside the seeded ones (their ids are past the seed's).
  const author = await h.db.prisma.user.findFirstOrThrow({ orderBy: { id: 'asc' } });
  const listings = [
    { name: 'Quillon Translator', tags: ['translation'], description: 'Turns docs into German.' },
    { name: 'Vellum Writer', tags: ['translation'], description: 'Quillon helper that drafts posts.' },
    { name: 'Gazebo Summarizer', tags: ['notes'], description: 'Summarizes gazebo meeting notes.' },
    { name: 'Gazebo Planner', tags: ['notes'], description: 'Plans the gazebo week.' },
  ];
  for (const [i, l] of listings.entries()) {
    await h.db.prisma.agent.create({
      data: { ...l, slug: `fixture-${i}`, category: 'writing', authorId: author.id, installCount: 10 * i },
    });
  }
});
afterAll(async () => {
  await h?.close();
});

async function search(
  input: Parameters<Awaited<ReturnType<Harness['as']>>['api']['marketplace']['search']>[0],
) {
  const { api } = await h.as(null);
  return api.marketplace.search(input);
}

describe('query normalization', () => {
  it('lower-cases, drops punctuation and repeats, sorts all words but the last', () => {
    expect(normalizeSearchText('  PDF,  Summarize!! ')).toBe('pdf summarize');
    expect(normalizeSearchText('summarize PDF pdf')).toBe('summarize pdf');
    expect(normalizeSearchText('zeta alpha mid')).toBe('alpha zeta mid');
    expect(normalizeSearchText('c++ / -')).toBe('c');
  });

  it('picks Best match with a query and trending without one', () => {
    expect(searchInput.parse({ query: 'x' }).sortBy).toBe('relevance');
    expect(searchInput.parse({}).sortBy).toBe('trending');
    expect(searchInput.parse({ sortBy: 'relevance' }).sortBy).toBe('trending');
    expect(searchInput.parse({ query: 'x', sortBy: 'rating' }).sortBy).toBe('rating');
  });

  it('answers an equivalent search from the same cache entry, without SQL', async () => {
    const first = await countQueries(h, () => search({ query: 'Gazebo notes' }));
    expect(first.queries).toBeGreaterThan(0);
    const again = await h.as(null);
    const second = await countQueries(h, () =>
      again.api.marketplace.search({ query: '  GAZEBO, gazebo   notes ', sortBy: 'relevance' }),
    );
    expect(again.ctx.cacheReport.get('marketplace.search')).toBe('hit');
    expect(second.queries).toBe(0);
    expect(second.result).toEqual(first.result);
  });
});

describe('matching and ranking', () => {
  it('puts name matches above tag and description matches', async () => {
    const page = await search({ query: 'quillon' });
    expect(page.items.map((a) => a.name)).toEqual(['Quillon Translator', 'Vellum Writer']);
  });

  it('keeps only agents matching every word when some do', async () => {
    const page = await search({ query: 'gazebo summarizer' });
    expect(page.items.map((a) => a.name)).toEqual(['Gazebo Summarizer']);
    expect(page.total).toBe(1);
  });

  it('falls back to the agents matching some words, those matching more first, never 0', async () => {
    const page = await search({ query: 'gazebo pdfxx' });
    expect(page.items.map((a) => a.name).toSorted()).toEqual(['Gazebo Planner', 'Gazebo Summarizer']);
    expect(page.total).toBe(2);
    const none = await search({ query: 'pdfxx qqzzyy' });
    expect(none.total).toBe(0);
  });

  it('matches the last word as a prefix, and other forms of a word through stems', async () => {
    expect((await search({ query: 'quill' })).items[0]?.name).toBe('Quillon Translator');
    // Only the last word is a prefix: "quill" here matches nothing, so "writer" alone counts.
    const names = (await search({ query: 'quill writer' })).items.map((a) => a.name);
    expect(names).toContain('Vellum Writer');
    expect(names).not.toContain('Quillon Translator');
    expect((await search({ query: 'summarize gazebo' })).items[0]?.name).toBe('Gazebo Summarizer');
  });
});

describe('typos', () => {
  it('allows none under 5 letters, one from 5, two from 9', () => {
    expect([4, 5, 8, 9].map(typoBudget)).toEqual([0, 1, 1, 2]);
  });

  it('corrects a misspelled word and says so', async () => {
    const page = await search({ query: 'quilon' });
    expect(page.correctedQuery).toBe('quillon');
    expect(page.items[0]?.name).toBe('Quillon Translator');
    // A swap of neighbours is one typo.
    expect((await search({ query: 'gaezbo' })).correctedQuery).toBe('gazebo');
    // Two typos in a long word.
    expect((await search({ query: 'summarizre gazbo' })).correctedQuery).toBe('summarizer gazebo');
  });

  it('leaves short words and known words alone', async () => {
    expect((await search({ query: 'gazb' })).correctedQuery).toBeNull(); // 4 letters: no typo
    expect((await search({ query: 'gazebo' })).correctedQuery).toBeNull();
  });
});

describe('what the page shows', () => {
  it('marks the matched words of names and descriptions as ranges', async () => {
    const page = await search({ query: 'summarize gazebo' });
    const agent = page.items.find((a) => a.name === 'Gazebo Summarizer')!;
    const marked = (text: string, ranges: readonly (readonly [number, number])[]) =>
      ranges.map(([s, e]) => text.slice(s, e));
    expect(marked(agent.name, agent.matches!.name)).toEqual(['Gazebo', 'Summarizer']);
    expect(marked(agent.description, agent.matches!.description)).toEqual(['Summarizes', 'gazebo']);
  });

  it('counts exactly and pages in Best match order without repeats or gaps', async () => {
    const all = await search({ query: 'data', limit: 50 });
    const expected = await h.db.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM agents a JOIN agent_search s ON s.agent_id = a.id
      WHERE a.published AND s.document @@ (to_tsquery('english', $$'data' | 'data':*$$) || to_tsquery('simple', $$'data' | 'data':*$$))`;
    expect(all.total).toBe(expected[0]!.n);
    expect(all.total).toBeGreaterThan(7);

    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ query: 'data', limit: 3, cursor });
      expect(page.total).toBe(all.total);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.items.map((a) => a.id));
  });
});
