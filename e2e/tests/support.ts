/**
 * What every browser test needs: a fresh seeded database, the production build serving it, and
 * Debian's Chromium. Plus the checks several files share (overflow, screenshots, accessibility).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { DEMO_PASSWORD, DEMO_USERS } from '@stash/db';
import { createTestDatabase, type TestDatabase } from '@stash/db/testing';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Route,
} from 'playwright-core';
import { type AppServer, ensureBuild, startApp } from './server';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

/** Screenshots are test artifacts (gitignored), kept for a human to look at after a run. */
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'screenshots');

export interface Stack {
  db: TestDatabase;
  app: AppServer;
  browser: Browser;
  /** A new browser context (own cookies) at the given viewport. */
  context(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

const CHROMIUM = '/usr/bin/chromium';

export async function startStack(): Promise<Stack> {
  // Before anything is started: a missing browser used to leave a database and a `next start`
  // behind for every test file.
  if (!existsSync(CHROMIUM))
    throw new Error(
      `the browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`,
    );
  const [db] = await Promise.all([createTestDatabase(), ensureBuild()]);
  let app: AppServer | undefined;
  let browser: Browser;
  try {
    app = await startApp(db.url);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await app?.stop();
    await db.drop();
    throw error;
  }
  const started = app;
  const contexts: BrowserContext[] = [];
  return {
    db,
    app: started,
    browser,
    async context(viewport = DESKTOP) {
      const context = await browser.newContext({ baseURL: started.url, viewport });
      contexts.push(context);
      return context;
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})));
      await browser.close();
      await started.stop();
      await db.drop();
    },
  };
}

/** The first workspace ada (the default demo user) owns. */
export async function adasWorkspace(db: TestDatabase): Promise<{ id: number; name: string }> {
  const owned = await db.prisma.workspaceMember.findFirstOrThrow({
    where: { user: { email: 'ada@stash.dev' }, role: 'OWNER' },
    orderBy: { workspaceId: 'asc' },
    select: { workspace: { select: { id: true, name: true } } },
  });
  return owned.workspace;
}

/**
 * Resolves once React has taken over the element (hydration attaches its fiber to the node). The
 * server's HTML shows a box before that and takes keys, but React then renders it from its own
 * state and the keys are gone: a test that types as soon as the box is visible loses them when
 * the machine is slow to run the app's scripts.
 */
export async function interactive(element: Locator): Promise<Locator> {
  await element
    .page()
    .waitForFunction(
      (node) => node !== null && Object.keys(node).some((key) => key.startsWith('__reactFiber')),
      await element.elementHandle(),
      { timeout: 30_000 },
    );
  return element;
}

export async function signIn(page: Page, email = DEMO_USERS[0] ?? ''): Promise<void> {
  await page.goto('/sign-in');
  await interactive(page.getByLabel('Email'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** How far the page scrolls sideways: 0 when nothing is wider than the viewport. */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** axe-core (WCAG 2 A/AA rules): the violations a user with assistive technology would hit hardest. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Holds every request matching `pattern` until the test calls `release()`, then answers it with
 * `answer`: the test waits on the request arriving and decides when the server answers, instead
 * of racing a fixed delay against how fast this machine renders.
 */
export async function holdRequests(page: Page, pattern: string, answer: (route: Route) => Promise<void>) {
  const arrived = gate();
  const released = gate();
  await page.route(pattern, async (route) => {
    arrived.open();
    await released.opened;
    await answer(route);
  });
  return { arrived: arrived.opened, release: released.open, stop: () => page.unroute(pattern) };
}

/** A promise the test resolves by hand. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
