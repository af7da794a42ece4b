/** Finding agents: history, debounced search, counts, empty state, long queries, sign-in round trip. */

import { DEMO_PASSWORD, DEMO_USERS } from '@stash/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactive, type Stack, startStack } from './support';

let stack: Stack;
let page: Page;

const cards = () => page.locator('[data-testid="agent-list"] > li');
const categoryBadges = () => page.locator('[data-testid="agent-list"] .badge').allTextContents();
/** One entry per marketplace.search call (a batched request can carry several). */
const searchCalls: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  const context = await stack.context();
  page = await context.newPage();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/trpc/')) return;
    const procedures = url.pathname.slice('/api/trpc/'.length).split(',');
    const input = decodeURIComponent(url.searchParams.get('input') ?? '');
    for (const p of procedures) if (p === 'marketplace.search') searchCalls.push(input);
  });
});

afterAll(async () => {
  await stack?.close();
});

describe('finding agents', () => {
  it('shows how many agents there are, and Back undoes one filter at a time', async () => {
    await page.goto('/');
    await expect.poll(() => cards().count()).toBeGreaterThan(0);
    const total = await stack.db.prisma.agent.count({ where: { published: true } });
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe(`${total} agents`);

    await page.getByLabel('Category').selectOption('data');
    await expect.poll(() => page.url()).toContain('category=data');
    await expect.poll(async () => new Set(await categoryBadges())).toEqual(new Set(['Data']));
    const inData = await stack.db.prisma.agent.count({ where: { published: true, category: 'data' } });
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe(`${inData} agents in Data`);

    await page.getByLabel('Sort by').selectOption('rating');
    await expect.poll(() => page.url()).toContain('sort=rating');

    await page.goBack();
    await expect.poll(() => page.getByLabel('Sort by').inputValue()).toBe('trending');
    expect(page.url()).toContain('category=data');
    expect(await page.getByLabel('Category').inputValue()).toBe('data');

    await page.goBack();
    await expect.poll(() => page.getByLabel('Category').inputValue()).toBe('');
    await expect.poll(async () => new Set(await categoryBadges()).size).toBeGreaterThan(1);
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('sends one search per pause in typing, not one per key', async () => {
    // A paused fake clock: no timer fires while the keys go in, however slowly a loaded machine
    // types them, so the count cannot depend on timing.
    await page.clock.install();
    await page.goto('/');
    await expect.poll(() => cards().count()).toBeGreaterThan(0);
    await interactive(page.getByLabel('Search agents'));
    const pause = async () => page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
    await pause();
    searchCalls.length = 0;

    await page.getByLabel('Search agents').pressSequentially('analyst');
    await page.clock.resume();
    await expect.poll(() => searchCalls.length).toBe(1);
    expect(searchCalls[0]).toContain('analyst');

    await pause();
    await page.getByLabel('Search agents').pressSequentially(' sql');
    expect(searchCalls.length).toBe(1);
    await page.clock.resume();
    await expect.poll(() => searchCalls.length).toBe(2);
    await expect.poll(() => page.url()).toContain('q=analyst+sql');
  });

  it('offers to clear filters when nothing matches', async () => {
    await page.goto('/?q=zzqxjv&category=coding');
    await expect.poll(() => page.getByTestId('empty-state').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => cards().count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Search agents').inputValue()).toBe('');
    expect(await page.getByLabel('Category').inputValue()).toBe('');
  });

  it('says so when a search in the URL is longer than the limit, instead of cutting it silently', async () => {
    await page.goto(`/?q=${'a'.repeat(300)}`);
    await expect.poll(() => page.getByText('Your search was 300 characters long').count()).toBe(1);
    expect((await page.getByLabel('Search agents').inputValue()).length).toBe(100);
  });

  it('comes back to the agent page after signing in from it', async () => {
    const agent = await stack.db.prisma.agent.findFirstOrThrow({ where: { published: true } });
    await page.goto(`/agents/${agent.slug}`);
    await page.locator('.install-panel, .panel').getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/agents/${agent.slug}`);
    await page.getByLabel('Email').fill(DEMO_USERS[0] ?? '');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === `/agents/${agent.slug}`);
    await expect.poll(() => page.getByTestId('install-button').isVisible()).toBe(true);
  });
});
