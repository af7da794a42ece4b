/**
 * Every page at phone and desktop width: nothing scrolls sideways, each page has its own title,
 * the console stays clean (no missing favicon, no debug logging), axe finds no serious or
 * critical accessibility violations, and a full-page screenshot is saved for review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  horizontalOverflow,
  PHONE,
  type Stack,
  screenshot,
  seriousA11yViolations,
  signIn,
  startStack,
} from './support';

let stack: Stack;
/** `title`: the exact title, or a pattern where only its start is fixed. */
let pages: Array<{ name: string; path: string; title: string | RegExp }>;

beforeAll(async () => {
  stack = await startStack();
  const { prisma } = stack.db;
  const agent = await prisma.agent.findFirstOrThrow({ where: { published: true }, orderBy: { id: 'asc' } });
  const template = await prisma.workflowTemplate.findFirstOrThrow({ orderBy: { id: 'asc' } });
  const ada = await prisma.user.findUniqueOrThrow({ where: { email: 'ada@stash.dev' } });
  const ws = await prisma.workspace.findFirstOrThrow({
    where: { members: { some: { userId: ada.id } } },
    orderBy: { id: 'asc' },
  });
  pages = [
    { name: 'marketplace', path: '/', title: /^Stash/ },
    { name: 'marketplace-empty', path: '/?q=zzqxjv', title: /^Stash/ },
    { name: 'agent', path: `/agents/${agent.slug}`, title: `${agent.name} · Stash` },
    { name: 'templates', path: '/templates', title: 'Templates · Stash' },
    { name: 'template', path: `/templates/${template.id}`, title: `${template.name} · Stash` },
    { name: 'workspaces', path: '/workspaces', title: 'Workspaces · Stash' },
    { name: 'workspace', path: `/workspaces/${ws.id}`, title: `${ws.name} · Stash` },
    { name: 'cache-dashboard', path: '/dashboard/cache', title: 'Cache dashboard · Stash' },
    { name: 'not-found', path: '/agents/no-such-agent', title: 'Not found · Stash' },
  ];
});

afterAll(async () => {
  await stack?.close();
});

describe.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
])('every page on a %s', (label, viewport) => {
  it('fits the screen, has its own title, a clean console and no serious a11y violations', async () => {
    const context = await stack.context(viewport);
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      // The 404 page's own status is expected; anything else in the console is a defect.
      if (message.type() === 'error' && !message.text().includes('404')) consoleErrors.push(message.text());
      if (message.type() === 'log' || message.type() === 'debug') consoleErrors.push(message.text());
    });
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404 && response.request().resourceType() !== 'document')
        missing.push(response.url());
    });
    await signIn(page);
    const problems: string[] = [];
    for (const p of pages) {
      await page.goto(p.path);
      await expect.poll(() => page.locator('h1').first().isVisible()).toBe(true);
      await expect.poll(() => page.getByTestId('skeleton').count()).toBe(0);
      await screenshot(page, `${p.name}-${label}`);
      const overflow = await horizontalOverflow(page);
      if (overflow > 0) problems.push(`${p.path}: scrolls ${overflow} px sideways`);
      const title = await page.title();
      const titleOk = typeof p.title === 'string' ? title === p.title : p.title.test(title);
      if (!titleOk) problems.push(`${p.path}: title "${title}"`);
      for (const v of await seriousA11yViolations(page)) problems.push(`${p.path}: ${v}`);
    }
    for (const url of missing) problems.push(`404 for ${url}`);
    for (const text of consoleErrors) problems.push(`console: ${text}`);
    // A 404 is an answer, not a server error: nothing in the server log for the not-found page.
    for (const line of stack.app.logs().split('\n'))
      if (line.includes('Error')) problems.push(`server log: ${line}`);
    expect(problems).toEqual([]);
    // Nine pages, each loaded, screenshotted and checked by axe: minutes on a loaded 2-core box.
  }, 300_000);
});
