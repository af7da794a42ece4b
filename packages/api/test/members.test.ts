/**
 * Members management as an owner and a member would use it, and what makes revocation real:
 * a removed member is refused on their very next request on another instance, even though
 * that instance had their membership cached a moment before.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectTRPCError } from './support/errors';
import { ADA, createHarness, GRACE, type Harness } from './support/harness';

let h: Harness;
let other: Awaited<ReturnType<Harness['sibling']>>;
let workspaceId: number; // owned by ada, grace not a member
let adaId: number;
let graceId: number;
beforeAll(async () => {
  h = await createHarness();
  other = await h.sibling();
  adaId = (await h.session(ADA)).userId;
  graceId = (await h.session(GRACE)).userId;
  const ws = await h.db.prisma.workspace.findFirstOrThrow({
    where: { members: { some: { userId: adaId, role: 'OWNER' }, none: { userId: graceId } } },
    orderBy: { id: 'asc' },
  });
  workspaceId = ws.id;
  // Make ada the only owner, so the last-owner rule is exercised on her.
  await h.db.prisma.workspaceMember.updateMany({
    where: { workspaceId, userId: { not: adaId } },
    data: { role: 'MEMBER' },
  });
});
afterAll(async () => {
  await h?.close();
});

describe('members', () => {
  it('an added member sees the workspace at once; a removed one is refused at the next request everywhere', async () => {
    const ada = (await h.as(ADA)).api;
    const graceHere = (await other.as(GRACE)).api;
    // Grace's (empty) membership list for this workspace is cached on the other instance.
    await expectTRPCError(graceHere.workspaces.byId({ workspaceId }), 'NOT_FOUND');

    await ada.members.add({ workspaceId, email: 'GRACE@stash.dev' });
    const ws = await graceHere.workspaces.byId({ workspaceId });
    expect(ws.myRole).toBe('MEMBER');
    expect((await graceHere.workspaces.mine()).map((w) => w.id)).toContain(workspaceId);
    const adaView = await ada.workspaces.byId({ workspaceId });
    expect(adaView.members.map((m) => m.user.id)).toContain(graceId);

    await ada.members.remove({ workspaceId, userId: graceId });
    await expectTRPCError(graceHere.workspaces.byId({ workspaceId }), 'NOT_FOUND');
    await expectTRPCError(graceHere.workspaces.installState({ workspaceId, agentIds: [1] }), 'NOT_FOUND');
    await expectTRPCError(graceHere.installs.install({ workspaceId, agentId: 1 }), 'NOT_FOUND');
    expect((await graceHere.workspaces.mine()).map((w) => w.id)).not.toContain(workspaceId);
    expect((await ada.workspaces.byId({ workspaceId })).members.map((m) => m.user.id)).not.toContain(graceId);
  });

  it('only an owner manages members; a member can leave', async () => {
    const ada = (await h.as(ADA)).api;
    const grace = (await other.as(GRACE)).api;
    await ada.members.add({ workspaceId, email: GRACE });
    const refused = await expectTRPCError(grace.members.add({ workspaceId, email: ADA }), 'FORBIDDEN');
    expect(refused.message).toBe('Only an owner can manage members.');
    await expectTRPCError(grace.members.remove({ workspaceId, userId: adaId }), 'FORBIDDEN');
    await expectTRPCError(
      grace.members.setRole({ workspaceId, userId: graceId, role: 'OWNER' }),
      'FORBIDDEN',
    );

    await grace.members.leave({ workspaceId });
    await expectTRPCError(grace.workspaces.byId({ workspaceId }), 'NOT_FOUND');
    // Not a member any more: cannot even learn the workspace exists.
    await expectTRPCError(grace.members.leave({ workspaceId }), 'NOT_FOUND');
  });

  it('changes roles, and never leaves a workspace without an owner', async () => {
    const ada = (await h.as(ADA)).api;
    const grace = (await other.as(GRACE)).api;
    await ada.members.add({ workspaceId, email: GRACE });

    const lastOwner = await expectTRPCError(ada.members.leave({ workspaceId }), 'CONFLICT');
    expect(lastOwner.message).toMatch(/make someone else an owner first/);
    await expectTRPCError(ada.members.setRole({ workspaceId, userId: adaId, role: 'MEMBER' }), 'CONFLICT');

    await ada.members.setRole({ workspaceId, userId: graceId, role: 'OWNER' });
    expect((await grace.workspaces.byId({ workspaceId })).myRole).toBe('OWNER');
    // Now grace may manage members, and ada may step down.
    await ada.members.setRole({ workspaceId, userId: adaId, role: 'MEMBER' });
    expect((await ada.workspaces.byId({ workspaceId })).myRole).toBe('MEMBER');
    await expectTRPCError(ada.members.remove({ workspaceId, userId: graceId }), 'FORBIDDEN');
    await grace.members.setRole({ workspaceId, userId: adaId, role: 'OWNER' });
    await grace.members.leave({ workspaceId });
  });

  it('answers unknown users and duplicates readably', async () => {
    const ada = (await h.as(ADA)).api;
    const unknown = await expectTRPCError(
      ada.members.add({ workspaceId, email: 'nobody@x.io' }),
      'NOT_FOUND',
    );
    expect(unknown.message).toBe('No user with that email.');
    await ada.members.add({ workspaceId, email: GRACE });
    await expectTRPCError(ada.members.add({ workspaceId, email: GRACE }), 'CONFLICT');
    await ada.members.remove({ workspaceId, userId: graceId });
    await expectTRPCError(ada.members.remove({ workspaceId, userId: graceId }), 'NOT_FOUND');
  });

  it('two owners demoting each other at the same moment leave the workspace an owner', async () => {
    const ada = (await h.as(ADA)).api;
    const grace = (await other.as(GRACE)).api;
    await ada.members.add({ workspaceId, email: GRACE, role: 'OWNER' });
    // Truly concurrent: a lock on the outbox holds each write's transaction after its
    // membership statement and before its commit, until both have got that far (or are
    // waiting for each other); then both go on together.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = h.db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`LOCK TABLE cache_outbox IN EXCLUSIVE MODE`;
        locked();
        await released;
      },
      { timeout: 60_000 },
    );
    await isLocked;
    const calls = [
      ada.members.setRole({ workspaceId, userId: graceId, role: 'MEMBER' }),
      grace.members.setRole({ workspaceId, userId: adaId, role: 'MEMBER' }),
    ].map((call) =>
      call.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      ),
    );
    await vi.waitFor(
      async () => {
        const [{ waiting }] = await h.db.prisma.$queryRaw<[{ waiting: number }]>`
          SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        expect(waiting).toBe(2);
      },
      { timeout: 20_000, interval: 50 },
    );
    release();
    await holder;
    const outcomes = await Promise.all(calls);
    const owners = await h.db.prisma.workspaceMember.count({ where: { workspaceId, role: 'OWNER' } });
    expect(owners).toBe(1);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    // Whoever lost is no longer an owner when their write runs, or would demote the last one.
    expect(['FORBIDDEN', 'CONFLICT']).toContain(outcomes.find((o) => o !== 'ok'));
    // Put ada back as the only owner, grace out, for the tests after this one.
    const winner = outcomes[0] === 'ok' ? ada : grace;
    if (winner === grace) await grace.members.setRole({ workspaceId, userId: adaId, role: 'OWNER' });
    await ada.members.remove({ workspaceId, userId: graceId });
  });
});
