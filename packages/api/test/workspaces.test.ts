import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tags } from '../src';
import { expectTRPCError } from './support/errors';
import { ADA, countQueries, createHarness, GRACE, type Harness } from './support/harness';

let h: Harness;
let adaOnly: number; // ada's workspace that grace is not a member of
beforeAll(async () => {
  h = await createHarness();
  const ada = await h.session(ADA);
  const grace = await h.session(GRACE);
  const ws = await h.db.prisma.workspace.findFirstOrThrow({
    where: { members: { some: { userId: ada.userId }, none: { userId: grace.userId } } },
    orderBy: { id: 'asc' },
  });
  adaOnly = ws.id;
});
afterAll(async () => {
  await h?.close();
});

describe('workspaces', () => {
  it('lists only my workspaces, with my role', async () => {
    const { api } = await h.as(ADA);
    const mine = await api.workspaces.mine();
    const ada = await h.session(ADA);
    const expected = await h.db.prisma.workspaceMember.findMany({
      where: { userId: ada.userId },
      orderBy: { workspaceId: 'asc' },
      select: { workspaceId: true, role: true },
    });
    expect(mine.map((w) => ({ workspaceId: w.id, role: w.role }))).toEqual(expected);
    // What the seed promises, whatever the query: ada owns workspace 1 and is a member of grace's 2.
    expect(mine.find((w) => w.id === 1)?.role).toBe('OWNER');
    expect(mine.find((w) => w.id === 2)?.role).toBe('MEMBER');
  });

  it('shows a workspace with its installed agents to a member', async () => {
    const { api } = await h.as(ADA);
    const ws = await api.workspaces.byId({ workspaceId: adaOnly });
    const installs = await h.db.prisma.agentInstall.count({ where: { workspaceId: adaOnly } });
    expect(ws.id).toBe(adaOnly);
    expect(ws.installs).toHaveLength(installs);
    const mine = await h.db.prisma.workspaceMember.findFirstOrThrow({
      where: { workspaceId: adaOnly, user: { email: ADA } },
    });
    expect(ws.myRole).toBe(mine.role);
  });

  it('requires sign-in', async () => {
    const { api } = await h.as(null);
    await expectTRPCError(api.workspaces.mine(), 'UNAUTHORIZED');
    await expectTRPCError(api.workspaces.byId({ workspaceId: adaOnly }), 'UNAUTHORIZED');
    await expectTRPCError(
      api.workspaces.installState({ workspaceId: adaOnly, agentIds: [1] }),
      'UNAUTHORIZED',
    );
  });

  it('never shows a workspace to a non-member, even right after a member cached it', async () => {
    const ada = await h.as(ADA);
    await ada.api.workspaces.byId({ workspaceId: adaOnly });
    const again = await h.as(ADA);
    await again.api.workspaces.byId({ workspaceId: adaOnly });
    expect(again.ctx.cacheReport.get('workspaces.byId')).toBe('hit');

    const grace = await h.as(GRACE);
    await expectTRPCError(grace.api.workspaces.byId({ workspaceId: adaOnly }), 'NOT_FOUND');
    await expectTRPCError(
      grace.api.workspaces.installState({ workspaceId: adaOnly, agentIds: [1, 2] }),
      'NOT_FOUND',
    );
    expect(grace.ctx.cacheReport.size).toBe(0);
  });

  it('refuses a removed member on the next read, though their own cached copy is still there', async () => {
    const grace = await h.session(GRACE);
    const shared = await h.db.prisma.workspace.findFirstOrThrow({
      where: { members: { some: { userId: grace.userId, role: 'MEMBER' } } },
    });
    const { api } = await h.as(GRACE);
    await api.workspaces.byId({ workspaceId: shared.id });
    await api.workspaces.byId({ workspaceId: shared.id }); // grace's entry is cached now
    // What removing a member does: the row goes, and so does their cached membership list.
    await h.db.prisma.workspaceMember.delete({
      where: { workspaceId_userId: { workspaceId: shared.id, userId: grace.userId } },
    });
    await h.cache.invalidateTags([tags.userMemberships(grace.userId)]);
    await expectTRPCError((await h.as(GRACE)).api.workspaces.byId({ workspaceId: shared.id }), 'NOT_FOUND');
    await h.db.prisma.workspaceMember.create({
      data: { workspaceId: shared.id, userId: grace.userId, role: 'MEMBER' },
    });
    await h.cache.invalidateTags([tags.userMemberships(grace.userId)]);
  });

  it('never lets two users share a user-scoped entry', async () => {
    const ada = await h.as(ADA);
    const adaList = await ada.api.workspaces.mine();
    const grace = await h.as(GRACE);
    const graceList = await grace.api.workspaces.mine();
    expect(grace.ctx.cacheReport.get('workspaces.mine')).toBe('miss');
    expect(graceList).not.toEqual(adaList);
    expect(graceList.some((w) => w.id === adaOnly)).toBe(false);
  });

  it('answers a repeated workspace read, authorization included, without SQL', async () => {
    const first = await h.as(ADA);
    await first.api.workspaces.byId({ workspaceId: adaOnly });
    const second = await h.as(ADA);
    const { queries } = await countQueries(h, () => second.api.workspaces.byId({ workspaceId: adaOnly }));
    expect(queries).toBe(0);
  });

  it('reports install state for a set of agents; equivalent id lists share an entry', async () => {
    const installed = await h.db.prisma.agentInstall.findFirstOrThrow({ where: { workspaceId: adaOnly } });
    const first = await h.as(ADA);
    const state = await first.api.workspaces.installState({
      workspaceId: adaOnly,
      agentIds: [installed.agentId, 999_999],
    });
    expect(state.installed).toEqual([installed.agentId]);
    const second = await h.as(ADA);
    await second.api.workspaces.installState({
      workspaceId: adaOnly,
      agentIds: [999_999, installed.agentId, 999_999],
    });
    expect(second.ctx.cacheReport.get('workspaces.installState')).toBe('hit');
  });

  it.each([
    ['no ids', { workspaceId: 1, agentIds: [] }],
    ['too many ids', { workspaceId: 1, agentIds: Array.from({ length: 101 }, (_, i) => i + 1) }],
    ['negative workspace', { workspaceId: -1, agentIds: [1] }],
    ['string workspace', { workspaceId: 'one', agentIds: [1] }],
  ])('rejects %s with BAD_REQUEST', async (_name, input) => {
    const { api } = await h.as(ADA);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    await expectTRPCError(api.workspaces.installState(input as any), 'BAD_REQUEST');
  });

  it('says which of my workspaces have an agent, and follows an install at once (cached)', async () => {
    const ada = await h.session(ADA);
    const installed = await h.db.prisma.agentInstall.findMany({ where: { workspaceId: adaOnly } });
    const agent = await h.db.prisma.agent.findFirstOrThrow({
      where: { id: { notIn: installed.map((i) => i.agentId) }, installs: { none: {} } },
    });
    const { api } = await h.as(ADA);
    expect(await api.workspaces.installedIn({ agentId: agent.id })).toEqual([]);
    await api.installs.install({ workspaceId: adaOnly, agentId: agent.id });
    const after = await h.as(ADA);
    expect((await after.api.workspaces.installedIn({ agentId: agent.id })).map((w) => w.id)).toEqual([
      adaOnly,
    ]);
    // My workspace list (cached) and each workspace's live installs: what an install changes.
    expect(after.ctx.cacheReport.calls[0]?.tags).toEqual(
      expect.arrayContaining([tags.userMemberships(ada.userId), tags.workspaceInstalls(adaOnly)]),
    );
    // Grace is no member of that workspace: her answer never names it.
    const grace = await h.as(GRACE);
    expect(await grace.api.workspaces.installedIn({ agentId: agent.id })).toEqual([]);
  });
});
