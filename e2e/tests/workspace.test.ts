/** Changing a workspace: Undo after uninstall, an offline uninstall, and using a template. */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adasWorkspace, type Stack, signIn, startStack } from './support';

let stack: Stack;
let page: Page;
let workspaceId: number;

async function installedAgentIds(): Promise<number[]> {
  const rows = await stack.db.prisma.agentInstall.findMany({
    where: { workspaceId },
    select: { agentId: true },
  });
  return rows.map((r) => r.agentId);
}

async function someInstalledAgent() {
  const install = await stack.db.prisma.agentInstall.findFirstOrThrow({
    where: { workspaceId },
    orderBy: { id: 'asc' },
    select: { agent: { select: { id: true, slug: true, name: true } } },
  });
  return install.agent;
}

beforeAll(async () => {
  stack = await startStack();
  workspaceId = (await adasWorkspace(stack.db)).id;
  page = await (await stack.context()).newPage();
  await signIn(page);
});

afterAll(async () => {
  await stack?.close();
});

describe('a workspace', () => {
  it('offers Undo after an uninstall, which puts the agent back', async () => {
    const agent = await someInstalledAgent();
    await page.goto(`/workspaces/${workspaceId}`);
    const row = page.locator(`[data-agent-slug="${agent.slug}"]`);
    await expect.poll(() => row.count()).toBe(1);

    await row.getByRole('button', { name: `Uninstall ${agent.name}` }).click();
    await expect.poll(() => row.count()).toBe(0);
    const notice = page.getByTestId('notice');
    await expect.poll(() => notice.textContent()).toContain(`Uninstalled ${agent.name}.`);
    await expect.poll(async () => (await installedAgentIds()).includes(agent.id)).toBe(false);

    await notice.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(async () => (await installedAgentIds()).includes(agent.id)).toBe(true);
    await page.reload();
    await expect.poll(() => row.count()).toBe(1);
  });

  it('says so and puts the row back when an uninstall is made offline', async () => {
    const agent = await someInstalledAgent();
    await page.goto(`/workspaces/${workspaceId}`);
    const row = page.locator(`[data-agent-slug="${agent.slug}"]`);
    await expect.poll(() => row.count()).toBe(1);

    await page.context().setOffline(true);
    try {
      await row.getByRole('button', { name: `Uninstall ${agent.name}` }).click();
      await expect
        .poll(() => page.getByRole('alert').allTextContents())
        .toContain(`Could not uninstall ${agent.name}: you are offline. The change was rolled back.Dismiss`);
      await expect.poll(() => row.count()).toBe(1);
    } finally {
      await page.context().setOffline(false);
    }
    expect(await installedAgentIds()).toContain(agent.id);
  });

  it('uses a template in the workspace: the agents its steps need get installed', async () => {
    const fresh = await stack.db.prisma.agent.findMany({
      where: { published: true, installs: { none: { workspaceId } } },
      orderBy: { id: 'desc' },
      take: 2,
      select: { id: true, slug: true, name: true },
    });
    const template = await stack.db.prisma.workflowTemplate.create({
      data: {
        slug: 'e2e-template',
        name: 'Weekly data review',
        description: 'Two agents, then a note to the team.',
        category: 'data',
        authorId: 1,
        steps: [
          ...fresh.map((a) => ({
            name: `Run ${a.name}`,
            action: 'run',
            agentSlug: a.slug,
            config: { timeoutSec: 60 },
          })),
          { name: 'Tell the team', action: 'notify', config: { retries: 0 } },
        ],
      },
    });
    await page.goto(`/templates/${template.id}`);
    // Steps read as words and agent names, not raw keys and slugs.
    const steps = page.getByTestId('steps');
    await expect.poll(() => steps.textContent()).toContain(`Run with ${fresh[0]?.name}`);
    expect(await steps.textContent()).toContain('Timeout:60 s');
    expect(await steps.textContent()).not.toContain('timeoutSec');

    await page.getByTestId('use-template').click();
    await expect.poll(() => page.getByTestId('template-ready').isVisible()).toBe(true);
    await expect
      .poll(async () => {
        const ids = await installedAgentIds();
        return fresh.every((a) => ids.includes(a.id));
      })
      .toBe(true);
    await page.goto(`/workspaces/${workspaceId}`);
    for (const agent of fresh) {
      await expect.poll(() => page.locator(`[data-agent-slug="${agent.slug}"]`).count()).toBe(1);
    }
  });
});
