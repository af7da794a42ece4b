/**
 * The CDN tier for real: cdn/stash.vcl in a throw-away varnishd in front of the app's HTTP
 * handler, purged by the outbox's delivery path. Purges reach Varnish through a TCP gate the
 * tests can shut, as a purge port that refuses.
 */
import { createCache } from '@stash/cache';
import { sparePort } from '@stash/cache/testing';
import { TAG_HEADER_FORMATS, varnishPurger } from '@stash/cdn';
import { freePort, startVarnish, type Varnish } from '@stash/harness';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ApiDeps, createCaller, createContextInner, SESSION_COOKIE } from '../src';
import type { CdnWiring } from '../src/caching/cdn';
import { OutboxRelay } from '../src/caching/outbox';
import { handleTrpcRequest } from '../src/http';
import { ADA, createHarness, type Harness } from './support/harness';
import { signedInCookie, superjsonBody, trpcData } from './support/http';
import { startHttpServer } from './support/http-server';
import { startTcpGate, type TcpGate } from './support/tcp-gate';

let h: Harness;
let varnish: Varnish;
let gate: TcpGate;
let app: Awaited<ReturnType<typeof startHttpServer>>;
let deps: ApiDeps;
let workspaceId: number;
/** Runs right after each purge Varnish confirmed: an anonymous reader arriving at that moment. */
let afterPurge: (() => Promise<unknown>) | undefined;
let purges = 0;
/** Purges sent and not yet answered (or failed). */
let purgesInFlight = 0;
let purgeSettled: Promise<void> = Promise.resolve();

beforeAll(async () => {
  h = await createHarness();
  workspaceId = await h.workspaceOf(ADA);
  const varnishPort = await freePort();
  gate = await startTcpGate({ host: '127.0.0.1', port: varnishPort });
  const purger = varnishPurger({ urls: [gate.url], timeoutMs: 5_000 });
  const cdn: CdnWiring = {
    tagHeader: TAG_HEADER_FORMATS.varnish,
    maxAgeMs: 3_600_000,
    purge: {
      purge(tags) {
        purgesInFlight += 1;
        const sent = purger.purge(tags).finally(() => {
          purgesInFlight -= 1;
        });
        purgeSettled = sent.then(
          () => {},
          () => {},
        );
        return sent.then(async () => {
          purges += 1;
          await afterPurge?.();
        });
      },
      waitMs: 5_000,
      againAfterMs: 0,
      log: () => {},
    },
  };
  deps = { ...h.deps, cdn };
  app = await startHttpServer(deps);
  varnish = await startVarnish({ backend: app.url, port: varnishPort });
}, 90_000);
afterAll(async () => {
  await varnish?.stop();
  await gate?.shut();
  await app?.close();
  await h?.close();
});
beforeEach(() => {
  afterPurge = undefined;
});

const agentPath = (agentId: number) =>
  `/api/trpc/marketplace.agent?input=${encodeURIComponent(superjsonBody({ id: agentId }))}`;

/** An anonymous (or signed-in) read of an agent's page through Varnish. */
async function viaVarnish(agentId: number, headers: Record<string, string> = {}) {
  const res = await fetch(`${varnish.url}${agentPath(agentId)}`, { headers });
  expect(res.status).toBe(200);
  const { installCount } = trpcData<{ installCount: number }>(await res.text());
  return { installCount, cacheStatus: res.headers.get('cache-status') ?? '' };
}

let nextAgent = 0;
async function agentNotInstalled() {
  return h.db.prisma.agent.findFirstOrThrow({
    where: { published: true, installs: { none: { workspaceId } } },
    orderBy: { id: 'asc' },
    skip: nextAgent++,
  });
}

async function install(agentId: number) {
  const ctx = createContextInner(deps, { session: await h.session(ADA) });
  await createCaller(ctx).installs.install({ workspaceId, agentId });
}

const outboxRows = () => h.db.prisma.cacheOutbox.count();

/** Read twice: the second answer comes from Varnish. */
async function storedInVarnish(agentId: number) {
  const first = await viaVarnish(agentId);
  const second = await viaVarnish(agentId);
  expect(second.cacheStatus).toMatch(/varnish; hit$/);
  expect(second.installCount).toBe(first.installCount);
  return second.installCount;
}

describe('stored public answers at the CDN', () => {
  it('carry their tags and a long s-maxage only when the CDN is purged', async () => {
    const agent = await agentNotInstalled();
    const direct = await fetch(`${app.url}${agentPath(agent.id)}`);
    expect(direct.headers.get('xkey')?.split(' ').sort()).toEqual([
      `agent:${agent.id}`,
      `agent:${agent.id}:installs`,
    ]);
    const sMaxAge = Number(/s-maxage=(\d+)/.exec(direct.headers.get('cache-control') ?? '')?.[1]);
    expect(sMaxAge).toBeGreaterThan(60); // the parts' remaining TTL (5 min), not the lag (0)
    expect(direct.headers.get('cache-control')).toContain('stale-while-revalidate=0');
    // The same stored answer, on a 304, says the same.
    const revalidated = await fetch(`${app.url}${agentPath(agent.id)}`, {
      headers: { 'if-none-match': direct.headers.get('etag') ?? '' },
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('xkey')).toBe(direct.headers.get('xkey'));

    // Without a CDN configured: no tags, and a write-changeable answer is revalidated each time.
    const plain = await startHttpServer(h.deps);
    try {
      const res = await fetch(`${plain.url}${agentPath(agent.id)}`);
      expect(res.headers.get('xkey')).toBeNull();
      expect(res.headers.get('cache-control')).toContain('s-maxage=0');
    } finally {
      await plain.close();
    }
  });

  it('does not share an answer whose keys do not fit the CDN header', async () => {
    const agent = await agentNotInstalled();
    const cdn = deps.cdn!;
    // Not shared at all, not even for the lag an operator allows answers the CDN is not told of.
    const narrow: ApiDeps = {
      ...deps,
      cdnMaxLagMs: 60_000,
      cdn: { ...cdn, tagHeader: { ...cdn.tagHeader, maxValueBytes: 8 } },
    };
    const res = await handleTrpcRequest(new Request(`http://localhost${agentPath(agent.id)}`), narrow);
    expect(res.status).toBe(200);
    expect(res.headers.get('xkey')).toBeNull();
    expect(res.headers.get('cache-control')).toContain('s-maxage=0');
  });

  it('never tags or shares an answer that depends on the session', async () => {
    const cookie = await signedInCookie(h, ADA);
    const res = await fetch(
      `${app.url}/api/trpc/workspaces.byId?input=${encodeURIComponent(superjsonBody({ workspaceId }))}`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('xkey')).toBeNull();
    expect(res.headers.get('cache-control')).toMatch(/private/);
    expect(res.headers.get('cache-control')).not.toMatch(/s-maxage/);
  });

  it('serves a stored answer from Varnish, and a mutation purges it before returning', async () => {
    const agent = await agentNotInstalled();
    const before = await storedInVarnish(agent.id);
    // An anonymous reader arriving the moment the purge is confirmed: it must already get (and
    // Varnish store) the new answer, which holds only when the engine's invalidation came first.
    afterPurge = () => viaVarnish(agent.id);
    await install(agent.id);
    expect(await outboxRows()).toBe(0);
    const after = await viaVarnish(agent.id);
    expect(after.installCount).toBe(before + 1);
  });

  it('lets signed-in reads pass to the app', async () => {
    const agent = await agentNotInstalled();
    await storedInVarnish(agent.id);
    const cookie = await signedInCookie(h, ADA);
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const read = await viaVarnish(agent.id, { cookie });
      expect(read.cacheStatus).toMatch(/varnish; fwd=bypass$/);
    }
  });
});

describe('a purge the CDN refuses', () => {
  it('keeps the outbox record, and the relay purges once the port is back', async () => {
    const agent = await agentNotInstalled();
    const before = await storedInVarnish(agent.id);
    const relay = new OutboxRelay(h.db.prisma, h.cache, () => {}, { purge: deps.cdn?.purge });
    await gate.shut();
    try {
      const purgesBefore = purges;
      await install(agent.id); // returns: the purge failed at once (connection refused)
      expect(purges).toBe(purgesBefore);
      expect(await outboxRows()).toBe(1);
      // The CDN still has the old answer (bounded by its s-maxage), and the app the new one.
      expect(await viaVarnish(agent.id)).toMatchObject({ installCount: before });
      expect(await relay.deliverPending(0)).toBe(0); // refused again: kept for the next pass
      expect(await outboxRows()).toBe(1);
    } finally {
      await gate.open();
    }
    afterPurge = () => viaVarnish(agent.id); // the relay's purge also follows its invalidation
    expect(await relay.deliverPending(0)).toBe(1);
    expect(await outboxRows()).toBe(0);
    expect((await viaVarnish(agent.id)).installCount).toBe(before + 1);
  });
});

describe('a purge that hangs', () => {
  it('lets the mutation return after the wait bound; the record stays until the purge is done', async () => {
    const agent = await agentNotInstalled();
    const before = await storedInVarnish(agent.id);
    const cdn = deps.cdn!;
    const impatient: ApiDeps = { ...deps, cdn: { ...cdn, purge: { ...cdn.purge, waitMs: 300 } } };
    gate.hold();
    try {
      const ctx = createContextInner(impatient, { session: await h.session(ADA) });
      await createCaller(ctx).installs.install({ workspaceId, agentId: agent.id });
      expect(purgesInFlight).toBe(1); // returned while Varnish had not answered
      expect(await outboxRows()).toBe(1);
    } finally {
      gate.release(); // the held purge fails
    }
    await purgeSettled;
    expect(await outboxRows()).toBe(1);
    const relay = new OutboxRelay(h.db.prisma, h.cache, () => {}, { purge: cdn.purge });
    expect(await relay.deliverPending(0)).toBe(1);
    expect((await viaVarnish(agent.id)).installCount).toBe(before + 1);
  });
});

describe('the second purge', () => {
  it('drops a copy the CDN stored after the first', async () => {
    const agent = await agentNotInstalled();
    await storedInVarnish(agent.id);
    const cdn = deps.cdn!;
    const twice: ApiDeps = { ...deps, cdn: { ...cdn, purge: { ...cdn.purge, againAfterMs: 200 } } };
    const purgesBefore = purges;
    // Stored again right after the first purge was confirmed (before the second is scheduled).
    afterPurge = async () => {
      afterPurge = undefined;
      await storedInVarnish(agent.id);
    };
    const ctx = createContextInner(twice, { session: await h.session(ADA) });
    await createCaller(ctx).installs.install({ workspaceId, agentId: agent.id });
    expect(purges).toBe(purgesBefore + 1);
    await vi.waitFor(() => expect(purges).toBe(purgesBefore + 2), { timeout: 10_000, interval: 20 });
    expect((await viaVarnish(agent.id)).cacheStatus).toMatch(/varnish; fwd=miss/);
  });
});

describe('a writer that died after its commit', () => {
  it('is delivered by the relay: the invalidation first, then the purge', async () => {
    const agent = await agentNotInstalled();
    const before = await storedInVarnish(agent.id);
    // A writer whose Redis is unreachable: the write commits, nothing is delivered or purged
    // (the same state as a writer killed right after its commit).
    const unreachable = createCache({
      prefix: deps.cacheKeyPrefix,
      redis: `redis://127.0.0.1:${await sparePort()}`,
    });
    try {
      const writer = createContextInner({ ...deps, cache: unreachable }, { session: await h.session(ADA) });
      await createCaller(writer).installs.install({ workspaceId, agentId: agent.id });
    } finally {
      await unreachable.close();
    }
    expect(await outboxRows()).toBe(1);
    expect((await viaVarnish(agent.id)).installCount).toBe(before);
    // A reader arriving the moment the relay's purge is confirmed must get the new answer.
    afterPurge = () => viaVarnish(agent.id);
    const relay = new OutboxRelay(h.db.prisma, h.cache, () => {}, { purge: deps.cdn?.purge });
    expect(await relay.deliverPending(0)).toBe(1);
    expect((await viaVarnish(agent.id)).installCount).toBe(before + 1);
  });
});

describe('without the CDN', () => {
  it('a mutation neither purges nor waits', async () => {
    const agent = await agentNotInstalled();
    const purgesBefore = purges;
    const { api } = await h.as(ADA);
    await api.installs.install({ workspaceId, agentId: agent.id });
    expect(purges).toBe(purgesBefore);
    expect(await outboxRows()).toBe(0);
  });
});
