import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTRPCError } from './support/errors';
import { ADA, createHarness, GRACE, type Harness } from './support/harness';

let h: Harness;
let workspaceId: number; // ada's, grace is not a member
beforeAll(async () => {
  h = await createHarness();
  const ada = await h.session(ADA);
  const grace = await h.session(GRACE);
  workspaceId = (
    await h.db.prisma.workspace.findFirstOrThrow({
      where: { members: { some: { userId: ada.userId }, none: { userId: grace.userId } } },
    })
  ).id;
});
afterAll(async () => {
  await h?.close();
});

async function notInstalledAgent(skip = 0) {
  return h.db.prisma.agent.findFirstOrThrow({
    where: { published: true, installs: { none: { workspaceId } } },
    orderBy: { id: 'asc' },
    skip,
  });
}

describe('install and uninstall', () => {
  it('shows an install at once in the workspace and the agent detail (read-your-writes)', async () => {
    const agent = await notInstalledAgent();
    const { api } = await h.as(ADA);
    // Warm the caches first, so a missing invalidation would serve the old data.
    const before = await api.marketplace.agent({ id: agent.id });
    const wsBefore = await api.workspaces.byId({ workspaceId });
    const stateBefore = await api.workspaces.installState({ workspaceId, agentIds: [agent.id] });
    expect(stateBefore.installed).toEqual([]);

    const result = await api.installs.install({ workspaceId, agentId: agent.id });
    expect(result).toMatchObject({ installed: true, changed: true, installCount: before.installCount + 1 });

    const after = await h.as(ADA);
    expect((await after.api.marketplace.agent({ id: agent.id })).installCount).toBe(before.installCount + 1);
    const ws = await after.api.workspaces.byId({ workspaceId });
    expect(ws.installs.map((i) => i.agent.id)).toContain(agent.id);
    expect(ws.installs).toHaveLength(wsBefore.installs.length + 1);
    expect(
      (await after.api.workspaces.installState({ workspaceId, agentIds: [agent.id] })).installed,
    ).toEqual([agent.id]);

    await api.installs.uninstall({ workspaceId, agentId: agent.id });
    const later = await h.as(ADA);
    expect((await later.api.marketplace.agent({ id: agent.id })).installCount).toBe(before.installCount);
    expect((await later.api.workspaces.byId({ workspaceId })).installs.map((i) => i.agent.id)).not.toContain(
      agent.id,
    );
  });

  it('is idempotent: installing twice neither fails nor double-counts', async () => {
    const agent = await notInstalledAgent(1);
    const { api } = await h.as(ADA);
    const once = await api.installs.install({ workspaceId, agentId: agent.id });
    const twice = await api.installs.install({ workspaceId, agentId: agent.id });
    expect(twice).toMatchObject({ changed: false, installCount: once.installCount });
    const row = await h.db.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(row.installCount).toBe(agent.installCount + 1);
    await api.installs.uninstall({ workspaceId, agentId: agent.id });
    const again = await api.installs.uninstall({ workspaceId, agentId: agent.id });
    expect(again).toMatchObject({ changed: false, installCount: agent.installCount });
  });

  it('refuses non-members, anonymous callers and unknown agents without writing anything', async () => {
    const agent = await notInstalledAgent(2);
    const installsBefore = await h.db.prisma.agentInstall.count();
    await expectTRPCError(
      (await h.as(GRACE)).api.installs.install({ workspaceId, agentId: agent.id }),
      'NOT_FOUND',
    );
    await expectTRPCError(
      (await h.as(null)).api.installs.install({ workspaceId, agentId: agent.id }),
      'UNAUTHORIZED',
    );
    await expectTRPCError(
      (await h.as(ADA)).api.installs.install({ workspaceId, agentId: 999_999 }),
      'NOT_FOUND',
    );
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    const bad = { workspaceId: 'x', agentId: agent.id } as any;
    await expectTRPCError((await h.as(ADA)).api.installs.install(bad), 'BAD_REQUEST');
    expect(await h.db.prisma.agentInstall.count()).toBe(installsBefore);
    const row = await h.db.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(row.installCount).toBe(agent.installCount);
  });
});

/**
 * Lists cache their skeleton (which agents, in which order) and overlay live install counts,
 * which installs write through: an install evicts no list, and the count it changed shows in
 * every list at once.
 */
describe('marketplace lists through installs', () => {
  it("shows an install's new count in a cached list at once, without recomputing the list", async () => {
    const input = { sortBy: 'installs' as const, limit: 50 };
    const agent = await notInstalledAgent(3);
    const { api } = await h.as(ADA);
    const query = { ...input, query: agent.name };
    const listed = (await api.marketplace.search(query)).items.find((a) => a.id === agent.id);
    expect(listed?.installCount).toBe(agent.installCount);
    const listRuns = () => h.cache.stats().perNamespace['marketplace.search']?.loaderRuns ?? 0;
    const runsBefore = listRuns();

    await api.installs.install({ workspaceId, agentId: agent.id });
    const next = await h.as(null);
    const served = await next.api.marketplace.search(query);
    expect(served.items.find((a) => a.id === agent.id)?.installCount).toBe(agent.installCount + 1);
    // From the cache: the list entry and the count the install wrote through.
    expect(next.ctx.cacheReport.get('marketplace.search')).toBe('hit');
    expect(listRuns()).toBe(runsBefore);
  });

  it('keeps serving lists from the cache during a burst of 100 installs, with every new count', async () => {
    const input = { sortBy: 'trending' as const, limit: 50, query: '' };
    const { api } = await h.as(ADA);
    const agents = await h.db.prisma.agent.findMany({
      where: { published: true, installs: { none: { workspaceId } } },
      orderBy: { trendingScore: 'desc' },
      take: 100,
    });
    expect(agents).toHaveLength(100);
    await api.marketplace.search(input);
    const listRuns = () => h.cache.stats().perNamespace['marketplace.search']?.loaderRuns ?? 0;
    const runsBefore = listRuns();
    // Readers keep reading the list while the installs land.
    const statuses: string[] = [];
    let reading = true;
    const readers = (async () => {
      while (reading) {
        const reader = await h.as(null);
        await reader.api.marketplace.search(input);
        statuses.push(reader.ctx.cacheReport.get('marketplace.search') ?? 'none');
      }
    })();
    await Promise.all(agents.map((a) => api.installs.install({ workspaceId, agentId: a.id })));
    reading = false;
    await readers;

    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 'miss')).toEqual([]);
    expect(listRuns()).toBe(runsBefore);
    // Every agent on the page shows its new count, from the same cached list.
    const page = await (await h.as(null)).api.marketplace.search(input);
    const installedNow = new Map(agents.map((a) => [a.id, a.installCount + 1]));
    for (const card of page.items.filter((c) => installedNow.has(c.id)))
      expect(card.installCount).toBe(installedNow.get(card.id));
    expect(page.items.some((c) => installedNow.has(c.id))).toBe(true);
  });
});
