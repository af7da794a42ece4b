/**
 * An invalidation is as durable as the write it belongs to. A throw-away redis-server (these
 * tests pause it) serves two API instances on one database, as behind a load balancer.
 */
import { createCache } from '@stash/cache';
import { type RedisProcess, sparePort, startRedis } from '@stash/cache/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCaller, createContextInner } from '../src';
import { OutboxRelay } from '../src/caching/outbox';
import { ADA, createHarness, type Harness } from './support/harness';

let server: RedisProcess;
let h: Harness;
let reader: Awaited<ReturnType<Harness['sibling']>>;
let workspaceId: number;
beforeAll(async () => {
  server = await startRedis();
  h = await createHarness({ redis: server.url });
  reader = await h.sibling();
  workspaceId = await h.workspaceOf(ADA);
});
afterAll(async () => {
  await h?.close();
  await server?.stop();
});

async function agentNotInstalled(skip: number) {
  return h.db.prisma.agent.findFirstOrThrow({
    where: { published: true, installs: { none: { workspaceId } } },
    orderBy: { id: 'asc' },
    skip,
  });
}

/** An API instance on the same database whose Redis is unreachable (or that dies after commit). */
async function writerWithoutRedis() {
  const unreachable = createCache({
    prefix: h.deps.cacheKeyPrefix,
    redis: `redis://127.0.0.1:${await sparePort()}`,
  });
  const writer = createCaller(
    createContextInner({ ...h.deps, cache: unreachable }, { session: await h.session(ADA) }),
  );
  return { writer, unreachable };
}

async function outboxRows(): Promise<number> {
  return h.db.prisma.cacheOutbox.count();
}

describe('durable invalidation', () => {
  it('delivers the invalidation before the mutation returns', async () => {
    const agent = await agentNotInstalled(0);
    const view = await reader.as(ADA);
    await view.api.marketplace.agent({ id: agent.id }); // cached on the reader's side
    await view.api.marketplace.agent({ id: agent.id });

    const { api } = await h.as(ADA);
    await api.installs.install({ workspaceId, agentId: agent.id });

    expect(await outboxRows()).toBe(0); // delivered (and its row deleted) before returning
    const next = await reader.as(ADA);
    expect((await next.api.marketplace.agent({ id: agent.id })).installCount).toBe(agent.installCount + 1); // delivered, so nothing left for the relay
  });

  it('lets another instance deliver what a writer that could not reach Redis committed', async () => {
    const agent = await agentNotInstalled(1);
    const view = await reader.as(ADA);
    await view.api.marketplace.agent({ id: agent.id });
    const before = await view.api.workspaces.byId({ workspaceId });
    expect(before.installs.map((i) => i.agent.id)).not.toContain(agent.id);

    // The writer's Redis is unreachable (or it crashed right after commit): the write commits,
    // the row stays in the outbox.
    const { writer, unreachable } = await writerWithoutRedis();
    try {
      await writer.installs.install({ workspaceId, agentId: agent.id });
    } finally {
      await unreachable.close();
    }
    expect(await outboxRows()).toBe(1);

    // The reader's instance runs the relay (as every instance does) and delivers it.
    const relay = new OutboxRelay(h.db.prisma, reader.cache, () => {});
    relay.start(100);
    try {
      await vi.waitFor(
        async () => {
          const next = await reader.as(ADA);
          expect((await next.api.marketplace.agent({ id: agent.id })).installCount).toBe(
            agent.installCount + 1,
          );
          const ws = await next.api.workspaces.byId({ workspaceId });
          expect(ws.installs.map((i) => i.agent.id)).toContain(agent.id);
        },
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      await relay.stop();
    }
    expect(await outboxRows()).toBe(0);
  });

  it('keeps an undelivered row until a delivery succeeds', async () => {
    const agent = await agentNotInstalled(2);
    const { writer, unreachable } = await writerWithoutRedis();
    try {
      await writer.installs.install({ workspaceId, agentId: agent.id });
      // A relay whose cache cannot reach Redis either delivers nothing and deletes nothing.
      expect(await new OutboxRelay(h.db.prisma, unreachable, () => {}).deliverPending(0)).toBe(0);
      expect(await outboxRows()).toBe(1);
    } finally {
      await unreachable.close();
    }
    expect(await new OutboxRelay(h.db.prisma, reader.cache, () => {}).deliverPending(0)).toBe(1);
    expect(await outboxRows()).toBe(0);
  });
});
