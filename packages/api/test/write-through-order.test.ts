/**
 * Write-through under concurrent writes: an install whose delivery comes after a later install
 * of the same agent must not leave its own (older) count in the cache. The first install is held
 * right after its transaction commits, while the second one runs to the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller, createContextInner } from '../src';
import { ADA, createHarness, GRACE, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('write-through order', () => {
  it('an install delivered after a later install of the same agent never leaves the older count', async () => {
    const ada = await h.session(ADA);
    const grace = await h.session(GRACE);
    const adaWorkspace = (
      await h.db.prisma.workspace.findFirstOrThrow({
        where: { members: { some: { userId: ada.userId, role: 'OWNER' } } },
      })
    ).id;
    const graceWorkspace = (
      await h.db.prisma.workspace.findFirstOrThrow({
        where: { id: { not: adaWorkspace }, members: { some: { userId: grace.userId, role: 'OWNER' } } },
      })
    ).id;
    const agent = await h.db.prisma.agent.findFirstOrThrow({
      where: { published: true, installs: { none: { workspaceId: { in: [adaWorkspace, graceWorkspace] } } } },
      orderBy: { id: 'asc' },
    });
    const reader = await h.as(null);
    const before = (await reader.api.marketplace.agent({ id: agent.id })).installCount; // cached

    // Ada's install: held after its commit, before it tells the cache.
    const committed = gate();
    const release = gate();
    let hold = true;
    const prisma = new Proxy(h.db.prisma, {
      get(target, property, receiver) {
        if (property !== '$transaction') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<typeof target.$transaction>) => {
          const result = await (target.$transaction as (...a: unknown[]) => Promise<unknown>)(...args);
          if (hold) {
            hold = false;
            committed.open();
            await release.opened;
          }
          return result;
        };
      },
    });
    const first = createCaller(createContextInner({ ...h.deps, prisma }, { session: ada })).installs.install({
      workspaceId: adaWorkspace,
      agentId: agent.id,
    });
    await committed.opened;
    const { api: graceApi } = await h.as(GRACE);
    const second = await graceApi.installs.install({ workspaceId: graceWorkspace, agentId: agent.id });
    expect(second.installCount).toBe(before + 2);
    release.open();
    await first;

    const after = await h.as(null);
    expect((await after.api.marketplace.agent({ id: agent.id })).installCount).toBe(before + 2);
  });
});
