/** The templates experience: the "All" list, readable steps, and using a template in a workspace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTRPCError } from './support/errors';
import { ADA, createHarness, GRACE, type Harness } from './support/harness';

let h: Harness;
let workspaceId: number;
beforeAll(async () => {
  h = await createHarness();
  const ada = await h.session(ADA);
  const owned = await h.db.prisma.workspaceMember.findFirstOrThrow({
    where: { userId: ada.userId, role: 'OWNER' },
    orderBy: { workspaceId: 'asc' },
  });
  workspaceId = owned.workspaceId;
});
afterAll(async () => {
  await h?.close();
});

/** Published agents not yet in the workspace: a template naming them has something to install. */
async function freshAgents(count: number) {
  return h.db.prisma.agent.findMany({
    where: { published: true, installs: { none: { workspaceId } } },
    orderBy: { id: 'desc' },
    take: count,
    select: { id: true, slug: true, name: true, installCount: true },
  });
}

async function templateFor(agents: Array<{ slug: string }>) {
  const { api } = await h.as(ADA);
  return api.templates.create({
    name: 'Triage and report',
    description: 'Two agents and a notification.',
    category: 'support',
    steps: [
      ...agents.map((a) => ({ name: `Run ${a.slug}`, action: 'run', agentSlug: a.slug })),
      { name: 'Tell the team', action: 'notify', config: { timeoutSec: 30 } },
      { name: 'Again', action: 'run', ...(agents[0] ? { agentSlug: agents[0].slug } : {}) },
    ],
  });
}

describe('templates: All, steps and use in a workspace', () => {
  it('lists every category newest-first when no category is given, including a new template at once', async () => {
    const reader = await h.as(null);
    const before = await reader.api.templates.list({ limit: 50 });
    expect(new Set(before.items.map((t) => t.category)).size).toBeGreaterThan(1);
    const times = before.items.map((t) => t.updatedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const created = await templateFor(await freshAgents(1));
    const after = await (await h.as(null)).api.templates.list({ limit: 50 });
    expect(after.items[0]?.id).toBe(created.id);
  });

  it('names the agents a template uses, once each, so steps can show names', async () => {
    const agents = await freshAgents(2);
    const created = await templateFor(agents);
    const detail = await (await h.as(null)).api.templates.byId({ id: created.id });
    expect(detail.agents.map((a) => a.name).sort()).toEqual(agents.map((a) => a.name).sort());
  });

  it('installs the agents a template needs, visible at once, and a second use changes nothing', async () => {
    const agents = await freshAgents(2);
    const created = await templateFor(agents);
    const { api } = await h.as(ADA);
    // Warm the reads the use must refresh.
    await api.workspaces.byId({ workspaceId });
    await api.workspaces.installState({ workspaceId, agentIds: agents.map((a) => a.id) });

    const result = await api.templates.addToWorkspace({ templateId: created.id, workspaceId });
    const ids = agents.map((a) => a.id).sort((a, b) => a - b);
    expect(result.agentIds).toEqual(ids);
    expect(result.installed).toEqual(ids);

    const state = await api.workspaces.installState({ workspaceId, agentIds: ids });
    expect(state.installed).toEqual(ids);
    const workspace = await api.workspaces.byId({ workspaceId });
    expect(workspace.installs.map((i) => i.agent.id)).toEqual(expect.arrayContaining(ids));
    for (const agent of agents) {
      const row = await h.db.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } });
      expect(row.installCount).toBe(agent.installCount + 1);
    }

    const again = await api.templates.addToWorkspace({ templateId: created.id, workspaceId });
    expect(again.installed).toEqual([]);
    expect(await h.db.prisma.agentInstall.count({ where: { workspaceId, agentId: { in: ids } } })).toBe(2);
  });

  it('refuses non-members and unknown templates, writing nothing', async () => {
    const agents = await freshAgents(1);
    const created = await templateFor(agents);
    const grace = await h.as(GRACE);
    await expectTRPCError(
      grace.api.templates.addToWorkspace({ templateId: created.id, workspaceId }),
      'NOT_FOUND',
    );
    await expectTRPCError(
      (await h.as(null)).api.templates.addToWorkspace({ templateId: created.id, workspaceId }),
      'UNAUTHORIZED',
    );
    await expectTRPCError(
      (await h.as(ADA)).api.templates.addToWorkspace({ templateId: 987_654, workspaceId }),
      'NOT_FOUND',
    );
    const installs = await h.db.prisma.agentInstall.count({
      where: { workspaceId, agentId: agents[0]?.id ?? 0 },
    });
    expect(installs).toBe(0);
  });
});
