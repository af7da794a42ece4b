/**
 * Read replicas behind the API (DATABASE_REPLICA_URLS): two API instances, each with its own
 * cache engine (L1 included) and relay, on one Redis, one PostgreSQL primary and a streaming
 * replica that applies each commit 500 ms late. A write through one instance is read through the
 * other at once, and the old value never comes back: the write records the primary's WAL position
 * with its tags, and the next fill reads the replica only once it has replayed that far.
 */
import { createCache } from '@stash/cache';
import { type RedisProcess, sparePort, startRedis } from '@stash/cache/testing';
import { ReadRouter } from '@stash/db';
import { TEST_SEED_OPTIONS } from '@stash/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRuntime } from '../src';
import { OutboxRelay } from '../src/caching/outbox';
import { type ReplicatedApi, startReplicatedApi } from '../src/testing/replicated-api';
import { ADA, createHarness, GRACE } from './support/harness';

let redis: RedisProcess;
let api: ReplicatedApi;
let one: ApiRuntime;
let two: ApiRuntime;

beforeAll(async () => {
  redis = await startRedis();
  api = await startReplicatedApi({
    applyDelayMs: 500,
    redisUrl: redis.url,
    seed: TEST_SEED_OPTIONS,
    instances: 2,
  });
  [one, two] = api.instances as [ApiRuntime, ApiRuntime];
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await redis?.stop();
});

const as = (runtime: ApiRuntime, email: string) => api.as(runtime.deps, email);

async function templateOf(email: string) {
  const author = await one.deps.prisma.user.findUniqueOrThrow({ where: { email } });
  return one.deps.prisma.workflowTemplate.findFirstOrThrow({
    where: { authorId: author.id },
    orderBy: { id: 'asc' },
  });
}

const unique = (what: string) => `${what} ${Math.random().toString(36).slice(2, 8)}`;

describe('a write through one instance, read through the other while the replica lags', () => {
  it('shows an edited template at once (its tag known from the input)', async () => {
    const template = await templateOf(ADA);
    const reader = await as(two, ADA);
    const before = two.deps.reads!.fills.replica;
    expect((await reader.templates.byId({ id: template.id })).name).toBe(template.name);
    // The set-up really reads the replica: nothing was written since it caught up.
    expect(two.deps.reads!.fills.replica).toBeGreaterThan(before);

    const name = unique('Renamed');
    await (await as(one, ADA)).templates.update({ id: template.id, name });
    expect((await reader.templates.byId({ id: template.id })).name).toBe(name);
    expect((await reader.templates.byId({ id: template.id })).name).toBe(name);
  });

  it('lets a member just added open the workspace, and shows them to the others', async () => {
    const { workspaceId } = await one.deps.prisma.workspaceMember.findFirstOrThrow({
      where: { user: { email: ADA }, role: 'OWNER' },
    });
    const owner = await as(two, ADA);
    const members = async () =>
      (await owner.workspaces.byId({ workspaceId })).members.map((m) => m.user.name);
    await members(); // cached on instance two
    const newcomer = await one.deps.prisma.user.findFirstOrThrow({
      where: { memberships: { none: { workspaceId } } },
      orderBy: { id: 'asc' },
    });

    await (await as(one, ADA)).members.add({ workspaceId, email: newcomer.email });
    // Authorization's cached membership list is filled from a replica only once it has the row.
    const joined = await (await as(two, newcomer.email)).workspaces.byId({ workspaceId });
    expect(joined.myRole).toBe('MEMBER');
    expect(await members()).toContain(newcomer.name);
  });

  it('shows a new member count in a list whose workspace tag is only known from its rows', async () => {
    // Grace owns workspace 2, Ada is a member there: Ada's own list shows its member count.
    const workspace = await one.deps.prisma.workspace.findFirstOrThrow({
      where: { members: { some: { user: { email: GRACE }, role: 'OWNER' } } },
      include: { _count: { select: { members: true } } },
    });
    const newcomer = await one.deps.prisma.user.findFirstOrThrow({
      where: { memberships: { none: { workspaceId: workspace.id } } },
      orderBy: { id: 'desc' },
    });
    await (await as(one, GRACE)).members.add({ workspaceId: workspace.id, email: newcomer.email });

    // Ada's list has no entry yet: nothing stored says it carries `workspace:<id>`.
    const mine = await (await as(two, ADA)).workspaces.mine();
    expect(mine.find((w) => w.id === workspace.id)?.memberCount).toBe(workspace._count.members + 1);
  });

  it('shows a write whose delivery was left to the relay (the writer could not reach Redis)', async () => {
    const template = await templateOf(GRACE);
    const reader = await as(two, GRACE);
    expect((await reader.templates.byId({ id: template.id })).name).toBe(template.name);

    const unreachable = createCache({
      prefix: 'stash',
      redis: `redis://127.0.0.1:${await sparePort()}`,
      // Given up at once: the relay's delivery follows well inside the replica's lag.
      timeoutMs: 50,
      invalidationTimeoutMs: 50,
    });
    try {
      const name = unique('Relayed');
      await (await api.as({ ...one.deps, cache: unreachable }, GRACE)).templates.update({
        id: template.id,
        name,
      });
      const relay = new OutboxRelay(two.deps.prisma, two.deps.cache, () => {}, { positions: true });
      // The runtimes' own relays may have taken it already: either way it was delivered.
      await relay.deliverPending(0);
      expect(await one.deps.prisma.cacheOutbox.count()).toBe(0);
      expect((await reader.templates.byId({ id: template.id })).name).toBe(name);
    } finally {
      await unreachable.close();
    }
  });

  it('shows a write made before an instance started, when the cache has lost its record (emptied Redis)', async () => {
    const template = await templateOf(GRACE);
    const name = unique('Before the restart');
    await (await as(one, GRACE)).templates.update({ id: template.id, name });
    // A new instance on an empty store: no entry and no recorded position, so the engine vouches
    // 0n, and the replica (500 ms behind) has not replayed the write yet.
    const emptied = createCache({ prefix: unique('stash-emptied').replace(' ', '-'), redis: redis.url });
    try {
      await emptied.ready(2_000);
      const started = new ReadRouter(one.deps.prisma, one.deps.reads!.replicas);
      const reader = await api.as({ ...two.deps, cache: emptied, reads: started }, GRACE);
      expect((await reader.templates.byId({ id: template.id })).name).toBe(name);
    } finally {
      await emptied.close();
    }
  });

  it('answers from the primary while the replica is down, and uses it again once it is back', async () => {
    const template = await templateOf(ADA);
    const reader = await as(two, ADA);
    await api.servers.stopReplica();
    try {
      const name = unique('While down');
      await (await as(one, ADA)).templates.update({ id: template.id, name });
      const before = two.deps.reads!.fills.primary;
      expect((await reader.templates.byId({ id: template.id })).name).toBe(name);
      expect(two.deps.reads!.fills.primary).toBeGreaterThan(before);
    } finally {
      await api.servers.startReplica();
    }
    await api.replicaCaughtUp();
    const name = unique('Back');
    await (await as(one, ADA)).templates.update({ id: template.id, name });
    expect((await reader.templates.byId({ id: template.id })).name).toBe(name);
  });
});

describe('without replicas', () => {
  it('asks the database nothing more per mutation than before: no position is read', async () => {
    const h = await createHarness();
    try {
      const template = await h.db.prisma.workflowTemplate.findFirstOrThrow({
        where: { author: { email: ADA } },
      });
      h.db.queries.reset();
      await (await h.as(ADA)).api.templates.update({ id: template.id, name: unique('Primary only') });
      expect(h.db.queries.sql.some((sql) => sql.includes('pg_current_wal_lsn'))).toBe(false);
      expect(h.db.queries.count).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });
});
