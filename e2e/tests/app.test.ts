/**
 * The app as a user sees it: production build, fresh seeded database, Debian chromium.
 * One browser context (one session) walks through the flows in order.
 */
import { DEMO_PASSWORD, DEMO_USERS } from '@stash/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_TOKEN } from './server';
import { holdRequests, interactive, type Stack, screenshot, startStack } from './support';

let stack: Stack;
let page: Page;
let workspaceId: number;
let agent: { id: number; slug: string; name: string };
/** An agent whose README holds raw HTML and a javascript: link. */
let readmeAgent: string;

const cards = () => page.locator('[data-testid="agent-list"] > li');
const installButton = () => page.getByTestId('install-button');

async function installedInDb(): Promise<boolean> {
  const row = await stack.db.prisma.agentInstall.findFirst({ where: { workspaceId, agentId: agent.id } });
  return row !== null;
}

beforeAll(async () => {
  stack = await startStack();
  const { prisma } = stack.db;
  const ada = await prisma.user.findUniqueOrThrow({ where: { email: DEMO_USERS[0] } });
  const membership = await prisma.workspaceMember.findFirstOrThrow({
    where: { userId: ada.id },
    orderBy: { workspaceId: 'asc' },
  });
  workspaceId = membership.workspaceId;
  agent = await prisma.agent.findFirstOrThrow({
    where: { published: true, installs: { none: { workspaceId } } },
    orderBy: { id: 'asc' },
    select: { id: true, slug: true, name: true },
  });
  // Written before any page is served: the app caches agent details, and a link prefetch in an
  // earlier step could otherwise cache this agent's seeded README first.
  const target = await prisma.agent.findFirstOrThrow({
    where: { published: true },
    orderBy: { id: 'desc' },
    skip: 1,
  });
  readmeAgent = target.slug;
  await prisma.agent.update({
    where: { id: target.id },
    data: {
      longDescription: [
        '## Getting started',
        '<script>window.__pwned = 1</script>',
        '<img src="x" onerror="window.__pwned = 2">',
        '**Bold claim** and [a trap](javascript:window.__pwned=3) and [docs](https://example.com/docs).',
      ].join('\n\n'),
    },
  });
  page = await (await stack.context()).newPage();
});

afterAll(async () => {
  await stack?.close();
});

describe('stash web', () => {
  it('lists agents on the marketplace and search narrows them', async () => {
    await page.goto('/');
    await expect.poll(() => cards().count()).toBeGreaterThan(0);
    const initial = await cards().count();

    const target = await stack.db.prisma.agent.findFirstOrThrow({
      where: { published: true },
      orderBy: { id: 'desc' },
    });
    await (await interactive(page.getByLabel('Search agents'))).fill(target.name);
    await expect
      .poll(() => page.locator('[data-testid="agent-list"] h2').allTextContents())
      .toContain(target.name);
    expect(await cards().count()).toBeLessThan(initial);
    expect(page.url()).toContain('q=');
  });

  it('signs in as the demo user, showing validation and wrong-password errors first', async () => {
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThan(0);

    await page.getByLabel('Email').fill(DEMO_USERS[0] ?? '');
    await page.getByLabel('Password').fill('not-the-password');
    await page.locator('form button[type="submit"]').click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toContain('Wrong email or password.');

    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toBe('Ada Lovelace');
  });

  it('installs an agent optimistically, and it stays installed after a reload', async () => {
    await page.goto(`/agents/${agent.slug}`);
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe('false');

    // Hold the request until the button has flipped: the server cannot have answered by then.
    const held = await holdRequests(page, '**/api/trpc/installs.install*', (route) => route.continue());
    await installButton().click();
    await held.arrived;
    // Optimistic: the button flips while the request is held, before the database has it.
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe('true');
    expect(await installedInDb()).toBe(false);
    held.release();
    await expect.poll(installedInDb).toBe(true);
    await held.stop();

    await page.reload();
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe('true');
  });

  it('shows the agent in the workspace and uninstalls it from there', async () => {
    await page.goto(`/workspaces/${workspaceId}`);
    const row = page.locator(`[data-agent-slug="${agent.slug}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const held = await holdRequests(page, '**/api/trpc/installs.uninstall*', (route) => route.continue());
    await row.getByRole('button', { name: 'Uninstall' }).click();
    await held.arrived;
    // Optimistic: the row goes while the request is held.
    await expect.poll(() => row.count()).toBe(0);
    expect(await installedInDb()).toBe(true);
    held.release();
    await expect.poll(installedInDb).toBe(false);
    await held.stop();
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: /Installed agents/ }).count()).toBe(1);
    expect(await row.count()).toBe(0);
  });

  it('rolls back with a visible message when the server fails', async () => {
    await page.goto(`/agents/${agent.slug}`);
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe('false');
    const held = await holdRequests(page, '**/api/trpc/installs.install*', (route) =>
      route.fulfill({ status: 503, body: 'down' }),
    );
    await installButton().click();
    await held.arrived;
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe('true');
    held.release(); // now the server fails
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe('false');
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Could not install');
    await held.stop();
  });

  it('converges to the server state after rapid repeated clicks', async () => {
    await page.goto(`/agents/${agent.slug}`);
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe('false');
    // Each click toggles what the button shows at that instant; whatever the clicks add up to,
    // once everything settles the button, the database and a fresh page load must agree.
    for (let i = 0; i < 7; i++) await installButton().click({ delay: 0 });
    await expect.poll(() => installButton().getAttribute('data-pending')).toBe('false');
    await page.waitForLoadState('networkidle');
    const inDb = await installedInDb();
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe(String(inDb));
    await page.reload();
    await expect.poll(() => installButton().getAttribute('data-installed')).toBe(String(inDb));
    const count = await stack.db.prisma.agentInstall.count({ where: { workspaceId, agentId: agent.id } });
    expect(count).toBe(inDb ? 1 : 0);
  });

  it('exposes what the walk-through did as Prometheus metrics and a healthy status', async () => {
    expect((await fetch(`${stack.app.url}/api/metrics`)).status).toBe(401);
    const metrics = await fetch(`${stack.app.url}/api/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(
      /stash_cache_calls_total\{procedure="marketplace\.search",tier="[a-z0-9]+",status="hit"\} [1-9]/,
    );
    expect(text).toMatch(
      /stash_cache_resolver_duration_seconds_count\{procedure="marketplace\.search",ok="true"\} [1-9]/,
    );
    const health = (await (await fetch(`${stack.app.url}/api/health`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
  });

  it("renders an agent's README from Markdown, without the raw HTML or script links in it", async () => {
    await page.goto(`/agents/${readmeAgent}`);
    const readme = page.getByTestId('readme');
    await expect.poll(() => readme.locator('h3').allTextContents()).toEqual(['Getting started']);
    expect(await readme.locator('strong').textContent()).toBe('Bold claim');
    expect(await readme.locator('script, img').count()).toBe(0);
    expect(await readme.textContent()).not.toContain('__pwned');
    const hrefs = await readme
      .locator('a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.some((href) => href.startsWith('javascript:'))).toBe(false);
    expect(hrefs).toContain('https://example.com/docs');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('renders the cache dashboard with a hit-rate chart', async () => {
    await page.goto('/dashboard/cache');
    const chart = page.getByTestId('hit-rate-chart');
    await expect.poll(() => chart.locator('polyline').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('table.counters tbody tr').count()).toBeGreaterThan(0);
    await page.waitForTimeout(4_500); // a few more samples so the lines have some length
    await screenshot(page, 'cache-dashboard-with-traffic');
  });
});
