/**
 * The judged query set (search-quality/judged.json) on the demo seed: the floor the search must
 * keep, and the brief's examples spelled out. `pnpm --filter @stash/api search:quality` prints
 * the same figures with the misses.
 */
import { DEFAULT_SEED_OPTIONS } from '@stash/db';
import { createTestDatabase, type TestDatabase } from '@stash/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAgents } from '../src/queries/agents';
import { searchInput } from '../src/routers/marketplace';
import { evaluateSearch, formatQualityReport, type JudgedQuery, loadJudgedSet } from '../src/search/quality';

const TOP3_FLOOR = 0.9;

let db: TestDatabase;
let judged: JudgedQuery[];
beforeAll(async () => {
  // The judged set was built from the demo seed: the same rows, ids and slugs.
  db = await createTestDatabase({ seed: DEFAULT_SEED_OPTIONS });
  judged = await loadJudgedSet();
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

async function top(query: string, n = 3) {
  const page = await searchAgents(db.prisma, searchInput.parse({ query, limit: n }));
  return { names: page.items.map((a) => a.name), page };
}

describe('search quality on the demo seed', () => {
  it('has a judged set of at least 60 queries of every kind', () => {
    expect(judged.length).toBeGreaterThanOrEqual(60);
    expect(new Set(judged.map((q) => q.kind)).size).toBe(7);
  });

  it(`puts an expected agent in the top 3 for at least ${TOP3_FLOOR * 100} % of the judged queries`, async () => {
    const report = await evaluateSearch(db.prisma, judged);
    console.log(formatQualityReport(report).join('\n'));
    expect(report.top3).toBeGreaterThanOrEqual(TOP3_FLOOR);
  }, 120_000);

  it('finds summarizers for "summarize pdf" and "sumarize", and says what it searched for', async () => {
    const both = await top('summarize pdf');
    expect(both.names.every((name) => name.includes('Summarizer'))).toBe(true);
    expect(both.page.total).toBeGreaterThan(0);
    const typo = await top('sumarize');
    expect(typo.page.correctedQuery).toBe('summarize');
    expect(typo.names.every((name) => name.includes('Summarizer'))).toBe(true);
  });

  it('puts the agents named Translator first for "translate"', async () => {
    const { names, page } = await top('translate', 10);
    expect(names.every((name) => name.endsWith('Translator'))).toBe(true);
    expect(page.total).toBeGreaterThan(10);
  });
});
