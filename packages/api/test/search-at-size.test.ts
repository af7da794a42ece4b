/**
 * Best match when a word matches hundreds of agents: the SQL then reads each stratum from the most
 * installed tier down and stops when the page is full, and the total is an estimate. These tests
 * check that this gives the same pages as ranking every match would (the order is computed here
 * from the fixture, independently of the SQL), that an install passing a power of two is seen at
 * once, and that the estimate is close and says it is one. They call the search's SQL directly:
 * the cache in front of it has its own tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAgents } from '../src/queries/agents';
import { searchInput } from '../src/routers/marketplace';
import { createHarness, type Harness } from './support/harness';

const COUNT = 1600;

interface Fixture {
  id: number;
  name: string;
  tags: string[];
  description: string;
  installCount: number;
}

let h: Harness;
let fixtures: Fixture[];

/** Installs spread over tiers 0 to 16 like real popularity (log-uniform), fixed by the index. */
const installsOf = (i: number) => Math.floor(2 ** (((i * 7919) % 1000) / 62.5)) - 1;

beforeAll(async () => {
  h = await createHarness();
  const author = await h.db.prisma.user.findFirstOrThrow({ orderBy: { id: 'asc' } });
  // Every agent mentions "zephyrine"; half also "quokka". The word sits in the name of the first
  // 60, in the tags of the next 60, and in the description only of the rest; "quokka" is in the
  // name of every 7th agent that has it.
  const data = Array.from({ length: COUNT }, (_, i) => {
    const quokka = i % 2 === 0;
    const name = `${i < 60 ? 'Zephyrine' : 'Plain'} ${quokka && i % 7 === 0 ? 'Quokka ' : ''}Helper ${i}`;
    return {
      slug: `at-size-${i}`,
      name,
      tags: i >= 60 && i < 120 ? ['zephyrine'] : ['misc'],
      description: `Keeps zephyrine notes${quokka ? ' for the quokka team' : ''}.`,
      category: 'writing',
      authorId: author.id,
      installCount: installsOf(i),
    };
  });
  await h.db.prisma.agent.createMany({ data });
  fixtures = await h.db.prisma.agent.findMany({
    where: { slug: { startsWith: 'at-size-' } },
    select: { id: true, name: true, tags: true, description: true, installCount: true },
  });
});
afterAll(async () => {
  await h?.close();
});

/** Where the words are, as docs/search.md orders it: all in the name, all in name or tags, some... */
function stratum(agent: Fixture, words: string[]): number {
  const inName = words.map((w) => agent.name.toLowerCase().includes(w));
  const inHead = words.map((w, i) => inName[i] || agent.tags.includes(w));
  if (inName.every(Boolean)) return 4;
  if (inHead.every(Boolean)) return 3;
  if (inName.some(Boolean)) return 2;
  if (inHead.some(Boolean)) return 1;
  return 0;
}

/** Best match order over the fixture: stratum, then installs, then id (both descending). */
function expectedOrder(words: string[]): number[] {
  const text = (a: Fixture) => `${a.name} ${a.tags.join(' ')} ${a.description}`.toLowerCase();
  return fixtures
    .filter((a) => words.every((w) => text(a).includes(w)))
    .toSorted(
      (a, b) => stratum(b, words) - stratum(a, words) || b.installCount - a.installCount || b.id - a.id,
    )
    .map((a) => a.id);
}

async function allPages(query: string) {
  const ids: number[] = [];
  const totals = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await searchAgents(h.db.prisma, searchInput.parse({ query, limit: 50, cursor }));
    ids.push(...page.items.map((a) => a.id));
    totals.add(`${page.total} ${page.totalIsEstimate}`);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { ids, totals: [...totals] };
}

describe('Best match over many matches', () => {
  it('pages through one word in stratum, then install order, with no repeat or gap', async () => {
    const { ids } = await allPages('zephyrine');
    expect(ids).toEqual(expectedOrder(['zephyrine']));
  });

  it('orders several words by where they are, then by installs', async () => {
    const { ids } = await allPages('zephyrine quokka');
    const expected = expectedOrder(['zephyrine', 'quokka']);
    expect(expected.length).toBe(COUNT / 2);
    expect(ids).toEqual(expected);
  });

  it('estimates a large total, says it is an estimate, and keeps it on every page', async () => {
    const { totals } = await allPages('zephyrine');
    expect(totals).toHaveLength(1);
    const [total, estimated] = totals[0]!.split(' ');
    expect(estimated).toBe('true');
    expect(Number(total)).toBeGreaterThan(COUNT * 0.6);
    expect(Number(total)).toBeLessThan(COUNT * 1.4);
    // A handful of matches is counted exactly.
    const few = await searchAgents(h.db.prisma, searchInput.parse({ query: 'helper 61 zephyrine' }));
    expect(few).toMatchObject({ total: 1, totalIsEstimate: false });
  });

  it('sees an install that lifts an agent into a higher install tier at once', async () => {
    const last = expectedOrder(['zephyrine']).at(-1)!;
    await h.db.prisma.agent.update({ where: { id: last }, data: { installCount: 1_000_000 } });
    fixtures = fixtures.map((a) => (a.id === last ? { ...a, installCount: 1_000_000 } : a));
    const { ids } = await allPages('zephyrine');
    expect(ids).toEqual(expectedOrder(['zephyrine']));
    // It leads the description-only agents now.
    expect(ids.indexOf(last)).toBe(120);
  });
});
