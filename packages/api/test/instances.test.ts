/**
 * Two API instances (each with its own cache engine and L1) on one database and one Redis, as
 * behind a load balancer: a write on one is visible to the very next read on the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, createHarness, type Harness } from './support/harness';

let h: Harness;
let one: Awaited<ReturnType<Harness['sibling']>>;
let two: Awaited<ReturnType<Harness['sibling']>>;
beforeAll(async () => {
  h = await createHarness();
  [one, two] = [await h.sibling(), await h.sibling()];
});
afterAll(async () => {
  await h?.close();
});

describe('two API instances with L1', () => {
  it('shows an install made on one instance in the next read on the other', async () => {
    const workspaceId = await h.workspaceOf(ADA);
    const agent = await h.db.prisma.agent.findFirstOrThrow({
      where: { published: true, installs: { none: { workspaceId } } },
    });
    const reader = await two.as(ADA);
    // Cached on instance two, read twice so any L1 copy would exist.
    await reader.api.marketplace.agent({ id: agent.id });
    await reader.api.marketplace.agent({ id: agent.id });
    await reader.api.workspaces.byId({ workspaceId });
    await reader.api.workspaces.byId({ workspaceId });

    await (await one.as(ADA)).api.installs.install({ workspaceId, agentId: agent.id });

    const next = await two.as(ADA);
    expect((await next.api.marketplace.agent({ id: agent.id })).installCount).toBe(agent.installCount + 1);
    const ws = await next.api.workspaces.byId({ workspaceId });
    expect(ws.installs.map((i) => i.agent.id)).toContain(agent.id);
    // Exact data is never served from an instance's L1; lists are (they are soft anyway).
    expect(two.cache.stats().perNamespace['marketplace.agent']?.l1Hits ?? 0).toBe(0);
    await next.api.marketplace.search({});
    await next.api.marketplace.search({});
    expect(two.cache.stats().perNamespace['marketplace.search']?.l1Hits).toBeGreaterThan(0);
  });
});
