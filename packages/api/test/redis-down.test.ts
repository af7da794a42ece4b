/**
 * The API pointed at a Redis that is not there: every procedure still answers correctly,
 * straight from the database.
 */
import type { Category } from '@stash/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, createHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  // Port 1 on loopback: nothing listens, connections are refused at once.
  h = await createHarness({ redis: 'redis://127.0.0.1:1' });
});
afterAll(async () => {
  await h?.close();
});

describe('with Redis unavailable', () => {
  it('answers every procedure, reads and writes, from the database', async () => {
    const { api } = await h.as(ADA);
    const page = await api.marketplace.search({ limit: 5 });
    expect(page.items).toHaveLength(5);
    const agent = await api.marketplace.agent({ id: page.items[0]!.id });
    expect(agent.id).toBe(page.items[0]!.id);
    expect((await api.marketplace.categories()).length).toBeGreaterThan(0);

    const template = await h.db.prisma.workflowTemplate.findFirstOrThrow();
    expect((await api.templates.byId({ id: template.id })).id).toBe(template.id);
    expect(
      (await api.templates.list({ category: template.category as Category })).items.length,
    ).toBeGreaterThan(0);

    const [ws] = await api.workspaces.mine();
    // The seed's workspace 1 is ada's own (her first, by id).
    expect(ws).toMatchObject({ id: 1, role: 'OWNER' });
    const before = await api.workspaces.byId({ workspaceId: ws!.id });
    const target = await h.db.prisma.agent.findFirstOrThrow({
      where: { published: true, installs: { none: { workspaceId: ws!.id } } },
    });
    const installed = await api.installs.install({ workspaceId: ws!.id, agentId: target.id });
    expect(installed.changed).toBe(true);
    // Without Redis nothing may be served from before the write.
    const after = await api.workspaces.byId({ workspaceId: ws!.id });
    expect(after.installs).toHaveLength(before.installs.length + 1);
    expect((await api.marketplace.agent({ id: target.id })).installCount).toBe(target.installCount + 1);
    const state = await api.workspaces.installState({ workspaceId: ws!.id, agentIds: [target.id] });
    expect(state.installed).toEqual([target.id]);
    await api.installs.uninstall({ workspaceId: ws!.id, agentId: target.id });
  });
});
