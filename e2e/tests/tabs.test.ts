/**
 * Browsers follow the server (docs/architecture.md): a write in one tab updates what
 * another tab shows, without a reload, because each response names the tags it depends on or
 * invalidated, and the tabs share invalidations (BroadcastChannel). Two pages of one browser
 * context are two tabs of one signed-in browser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adasWorkspace, type Stack, signIn, startStack } from './support';

let stack: Stack;
let writer: Page;
let reader: Page;
let workspace: { id: number; name: string };

/** Agents nobody installed anywhere yet, so counts and lists start from a known state. */
async function freshAgents(take: number) {
  return stack.db.prisma.agent.findMany({
    where: { published: true, installs: { none: {} } },
    orderBy: { id: 'asc' },
    take,
    select: { id: true, slug: true, name: true },
  });
}

/** In the writer tab: open the agent's page, pick the workspace and press Install. */
async function installFromWriter(agent: { slug: string }) {
  await writer.goto(`/agents/${agent.slug}`);
  await writer.getByLabel('Workspace').selectOption(String(workspace.id));
  const install = writer.getByTestId('install-button');
  await expect.poll(() => install.getAttribute('data-installed')).toBe('false');
  await install.click();
  await expect
    .poll(() =>
      stack.db.prisma.agentInstall.count({
        where: { workspaceId: workspace.id, agent: { slug: agent.slug } },
      }),
    )
    .toBe(1);
}

/** Marks the page; a reload (or a full navigation) would lose the mark. */
async function markLoaded(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { stashE2eMark?: boolean }).stashE2eMark = true;
  });
}
const stillLoaded = (page: Page) =>
  page.evaluate(() => (window as unknown as { stashE2eMark?: boolean }).stashE2eMark === true);

beforeAll(async () => {
  stack = await startStack();
  workspace = await adasWorkspace(stack.db);
  const context = await stack.context();
  writer = await context.newPage();
  await signIn(writer);
  reader = await context.newPage();
});

afterAll(async () => {
  await stack?.close();
});

describe('two tabs', () => {
  it('an install in one tab adds the agent to the workspace list shown in the other, without a reload', async () => {
    const [agent] = await freshAgents(1);
    if (!agent) throw new Error('the seed has no agent without installs');
    await reader.goto(`/workspaces/${workspace.id}`);
    const row = reader.locator(`[data-agent-slug="${agent.slug}"]`);
    await expect.poll(() => reader.getByTestId('installed-agents').count()).toBe(1);
    expect(await row.count()).toBe(0);
    await markLoaded(reader);

    await installFromWriter(agent);

    await expect.poll(() => row.count()).toBe(1);
    expect(await stillLoaded(reader)).toBe(true);
  });

  it('a cached procedure no client code lists for invalidation (installedIn) follows installs too', async () => {
    const [, agent] = await freshAgents(2);
    if (!agent) throw new Error('the seed has too few agents without installs');
    await reader.goto(`/agents/${agent.slug}`);
    const installedIn = reader.getByTestId('installed-in');
    await expect.poll(() => installedIn.textContent()).toBe('Not installed in any of your workspaces.');
    await markLoaded(reader);

    await installFromWriter(agent);

    await expect.poll(() => installedIn.textContent()).toBe(`Installed in ${workspace.name}.`);
    expect(await stillLoaded(reader)).toBe(true);
  });

  it('nothing in the client but the component that shows it names that procedure', () => {
    const webSrc = fileURLToPath(new URL('../../apps/web/src', import.meta.url));
    const tagSync = fileURLToPath(new URL('../../packages/tag-sync/src', import.meta.url));
    const naming = [...sourceFiles(webSrc), ...sourceFiles(tagSync)].filter((file) =>
      readFileSync(file, 'utf8').includes('installedIn'),
    );
    expect(naming.map((f) => f.slice(webSrc.length + 1))).toEqual(['components/agent/installed-in.tsx']);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}
