/** Search as a user meets it: a misspelled query is corrected, said so, and its matches marked. */

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactive, type Stack, startStack } from './support';

let stack: Stack;
let page: Page;

const cards = () => page.locator('[data-testid="agent-list"] > li');

/** Opens the marketplace and types `text` into the search box once the page is interactive. */
async function typeSearch(text: string) {
  await page.goto('/');
  await expect.poll(() => cards().count()).toBeGreaterThan(0);
  await (await interactive(page.getByLabel('Search agents'))).pressSequentially(text);
}

beforeAll(async () => {
  stack = await startStack();
  // Listings no seeded word is close to, so the correction has exactly one right answer.
  const author = await stack.db.prisma.user.findFirstOrThrow({ orderBy: { id: 'asc' } });
  for (const [i, name] of ['Zephyrine Summarizer', 'Zephyrine Planner'].entries()) {
    await stack.db.prisma.agent.create({
      data: {
        slug: `zephyrine-${i}`,
        name,
        description: `${name} turns zephyrine reports into one page.`,
        category: 'writing',
        tags: ['zephyrine'],
        authorId: author.id,
      },
    });
  }
  // Enough listings with one word that the API estimates their number (over about 500).
  await stack.db.prisma.agent.createMany({
    data: Array.from({ length: 640 }, (_, i) => ({
      slug: `quokka-${i}`,
      name: `Quokka Helper ${i}`,
      description: 'Keeps quokka notes.',
      category: 'writing',
      tags: [],
      authorId: author.id,
    })),
  });
  page = await (await stack.context()).newPage();
});

afterAll(async () => {
  await stack?.close();
});

describe('search', () => {
  it('corrects a typo, says what it searched for, counts exactly and marks the matches', async () => {
    await typeSearch('zephyrne summarizer');
    await expect
      .poll(() => page.getByTestId('corrected-query').textContent())
      .toBe('Showing results for zephyrine summarizer');
    await expect
      .poll(() => page.getByTestId('result-count').textContent())
      .toBe('1 agent match “zephyrne summarizer”');
    const first = cards().first();
    expect(await first.locator('h2').textContent()).toBe('Zephyrine Summarizer');
    expect(await first.locator('h2 mark').allTextContents()).toEqual(['Zephyrine', 'Summarizer']);
    expect(await first.locator('.description mark').allTextContents()).toEqual([
      'Zephyrine',
      'Summarizer',
      'zephyrine',
    ]);
    // Best match is the order a search starts in.
    expect(await page.getByLabel('Sort by').inputValue()).toBe('relevance');
  });

  it('says "about" before a count the API estimated', async () => {
    await typeSearch('quokka');
    await expect
      .poll(() => page.getByTestId('result-count').textContent())
      .toMatch(/^about [\d,]+ agents match “quokka”$/);
    expect(await cards().first().locator('h2 mark').allTextContents()).toEqual(['Quokka']);
  });
});
