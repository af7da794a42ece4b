import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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

/** The lists' soft lag (marketplace.ts); docs/caching.md shows the same number. */
const SOFT_LAG_MS = 10_000;

/**
 * Stops Date (only Date: timers, ioredis and pg keep real time), so how long the machine takes
 * cannot decide what the test sees; `jumpClock` then moves it forward.
 */
function freezeClock(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
}

function jumpClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

describe('soft invalidation of marketplace lists', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps lists served through an install and shows the new count once the soft lag has passed', async () => {
    const input = { sortBy: 'installs' as const, limit: 50 };
    const agent = await notInstalledAgent(3);
    freezeClock();
    const { api } = await h.as(ADA);
    await api.marketplace.search(input); // warm
    const listed = (await api.marketplace.search({ ...input, query: agent.name })).items.find(
      (a) => a.id === agent.id,
    );
    expect(listed?.installCount).toBe(agent.installCount);

    await api.installs.install({ workspaceId, agentId: agent.id });
    const next = await h.as(null);
    const served = await next.api.marketplace.search({ ...input, query: agent.name });
    // Answered from the cache (the list was neither emptied nor recomputed for one install)...
    expect(next.ctx.cacheReport.get('marketplace.search')).toBe('hit');
    expect(served.items.find((a) => a.id === agent.id)?.installCount).toBe(agent.installCount);

    // ...and once the list is older than its soft lag (10 s, docs/caching.md), the next read
    // refreshes it and the one after shows the new count. The clock jumps instead of waiting.
    jumpClock(SOFT_LAG_MS + 1000);
    await expect
      .poll(async () => {
        const { api: fresh } = await h.as(null);
        const page = await fresh.marketplace.search({ ...input, query: agent.name });
        return page.items.find((a) => a.id === agent.id)?.installCount;
      })
      .toBe(agent.installCount + 1);
  });

  it('keeps serving lists during a burst of 100 installs and recomputes them at most once per soft lag', async () => {
    const input = { sortBy: 'trending' as const, limit: 20, query: '' };
    freezeClock();
    const { api } = await h.as(ADA);
    await api.marketplace.search(input);
    const loaderRunsBefore = h.cache.stats().perNamespace['marketplace.search']?.loaderRuns ?? 0;

    const agents = await h.db.prisma.agent.findMany({
      where: { published: true, installs: { none: { workspaceId } } },
      orderBy: { id: 'desc' },
      take: 100,
    });
    expect(agents).toHaveLength(100);
    // Readers keep hitting the list while the installs land.
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

    // Hard invalidation would turn these reads into misses that wait for the database.
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 'miss')).toEqual([]);
    const runs = (h.cache.stats().perNamespace['marketplace.search']?.loaderRuns ?? 0) - loaderRunsBefore;
    // A list refreshes at most once per soft lag, however many installs arrive.
    expect(runs).toBeLessThanOrEqual(1);
    // And once the soft lag has passed the list converges to the new counts.
    jumpClock(SOFT_LAG_MS + 1000);
    const top = agents[0]!;
    await expect
      .poll(async () => {
        const page = await (await h.as(null)).api.marketplace.search({ ...input, query: top.name });
        return page.items.find((a) => a.id === top.id)?.installCount;
      })
      .toBe(top.installCount + 1);
  });
});
