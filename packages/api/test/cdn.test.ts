/**
 * The CDN tier for real: cdn/stash.vcl in a throw-away varnishd in front of the app's HTTP
 * handler, purged by the outbox's delivery path. Purges reach Varnish through a TCP gate the
 * tests can shut, as a purge port that refuses. Install counts are soft at the CDN (an install
 * purges nothing public); the purge tests use writes that change skeleton facts (a template's
 * name, an agent's description).
 */
import { createCache } from '@stash/cache';
import { sparePort } from '@stash/cache/testing';
import { TAG_HEADER_FORMATS, varnishPurger } from '@stash/cdn';
import { freePort, startTcpGate, startVarnish, type TcpGate, type Varnish } from '@stash/harness';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ApiDeps, createCaller, createContextInner, SESSION_COOKIE } from '../src';
import { wireCdn } from '../src/caching/cdn';
import { OutboxRelay, prismaOutbox } from '../src/caching/outbox';
import { tags } from '../src/caching/tags';
import { handleTrpcRequest } from '../src/http';
import { ADA, createHarness, type Harness } from './support/harness';
import { signedInCookie, superjsonBody, trpcData } from './support/http';
import { startHttpServer } from './support/http-server';

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
/** The soft facts' cap (install counts at the CDN). */
const SOFT_MAX_AGE_S = 240;

beforeAll(async () => {
  h = await createHarness();
  workspaceId = await h.workspaceOf(ADA);
  const varnishPort = await freePort();
  gate = await startTcpGate({ host: '127.0.0.1', port: varnishPort });
  const purger = varnishPurger({ urls: [gate.url], timeoutMs: 5_000 });
  const cdn = wireCdn({
    tagHeader: TAG_HEADER_FORMATS.varnish,
    maxAgeMs: 3_600_000,
    softMaxAgeMs: SOFT_MAX_AGE_S * 1000,
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
  });
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

const templatePath = (id: number) =>
  `/api/trpc/templates.byId?input=${encodeURIComponent(superjsonBody({ id }))}`;
const SEARCH_PATH = `/api/trpc/marketplace.search?input=${encodeURIComponent(superjsonBody({ query: '', sortBy: 'newest' }))}`;

/** An anonymous read of a template's page through Varnish. */
async function templateViaVarnish(id: number) {
  const res = await fetch(`${varnish.url}${templatePath(id)}`);
  expect(res.status).toBe(200);
  const { name } = trpcData<{ name: string }>(await res.text());
  return { name, cacheStatus: res.headers.get('cache-status') ?? '' };
}

/** A template of Ada's, its page stored in Varnish (read twice: the second is a hit). */
async function templateInVarnish(): Promise<{ id: number; name: string }> {
  const { api } = await h.as(ADA);
  const created = await api.templates.create({
    name: `CDN template ${Math.random().toString(36).slice(2, 8)}`,
    description: 'A template whose page the CDN keeps.',
    category: 'productivity',
    steps: [{ name: 'Step', action: 'run' }],
  });
  const first = await templateViaVarnish(created.id);
  const second = await templateViaVarnish(created.id);
  expect(second.cacheStatus).toMatch(/varnish; hit$/);
  expect(second.name).toBe(first.name);
  return { id: created.id, name: first.name };
}

/** Ada renames her template (a skeleton fact: the CDN must be purged for it). */
async function rename(id: number, name: string, through: ApiDeps = deps) {
  const ctx = createContextInner(through, { session: await h.session(ADA) });
  await createCaller(ctx).templates.update({ id, name });
}

/** Read twice: the second answer comes from Varnish. */
async function storedInVarnish(agentId: number) {
  const first = await viaVarnish(agentId);
  const second = await viaVarnish(agentId);
  expect(second.cacheStatus).toMatch(/varnish; hit$/);
  expect(second.installCount).toBe(first.installCount);
  return second.installCount;
}

describe('stored public answers at the CDN', () => {
  it('carry their tags, without the install counts, and a long s-maxage only when the CDN is purged', async () => {
    const agent = await agentNotInstalled();
    const direct = await fetch(`${app.url}${agentPath(agent.id)}`);
    // The count is soft at the CDN: its tag is not sent, so no install purges the page.
    expect(direct.headers.get('xkey')).toBe(`agent:${agent.id}`);
    expect(direct.headers.get('x-stash-tags')).toContain(`agent:${agent.id}:installs`);
    const sMaxAge = Number(/s-maxage=(\d+)/.exec(direct.headers.get('cache-control') ?? '')?.[1]);
    expect(sMaxAge).toBeGreaterThan(60); // the parts' remaining TTL (5 min), not the lag (0)
    expect(sMaxAge).toBeLessThanOrEqual(SOFT_MAX_AGE_S); // it shows a count: the soft cap
    expect(direct.headers.get('cache-control')).toContain('stale-while-revalidate=0');
    // The same stored answer, on a 304, says the same.
    const revalidated = await fetch(`${app.url}${agentPath(agent.id)}`, {
      headers: { 'if-none-match': direct.headers.get('etag') ?? '' },
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('xkey')).toBe(direct.headers.get('xkey'));

    // A search page: only the list's own tag, none of its cards' counts.
    const search = await fetch(`${app.url}${SEARCH_PATH}`);
    expect(search.status).toBe(200);
    expect(search.headers.get('xkey')).toBe('marketplace:lists');

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
      cdn: { ...cdn, tagHeader: { ...cdn.tagHeader, maxValueBytes: 4 } },
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

  it('an install purges nothing: anonymous readers keep the CDN copy, signed-in readers see the count', async () => {
    // An agent on the search page, not installed in Ada's workspace yet.
    const page = async (headers: Record<string, string> = {}) => {
      const res = await fetch(`${varnish.url}${SEARCH_PATH}`, { headers });
      expect(res.status).toBe(200);
      const { items } = trpcData<{ items: Array<{ id: number; installCount: number }> }>(await res.text());
      return { items, cacheStatus: res.headers.get('cache-status') ?? '' };
    };
    const first = await page();
    const installedHere = new Set(
      (await h.db.prisma.agentInstall.findMany({ where: { workspaceId }, select: { agentId: true } })).map(
        (i) => i.agentId,
      ),
    );
    const card = first.items.find((c) => !installedHere.has(c.id));
    if (!card) throw new Error('every agent on the page is installed in the workspace');
    expect((await page()).cacheStatus).toMatch(/varnish; hit$/);
    const agentBefore = await storedInVarnish(card.id);

    const purgesBefore = purges;
    await install(card.id);
    expect(purges).toBe(purgesBefore); // not even sent: no CDN copy carries the count's tag
    expect(await outboxRows()).toBe(0);

    const anonymous = await page();
    expect(anonymous.cacheStatus).toMatch(/varnish; hit$/);
    expect(anonymous.items.find((c) => c.id === card.id)?.installCount).toBe(card.installCount);
    const agentPage = await viaVarnish(card.id);
    expect(agentPage).toMatchObject({ installCount: agentBefore });
    expect(agentPage.cacheStatus).toMatch(/varnish; hit$/);

    // Signed in, the same URLs pass to the app: the count is live (read-your-writes).
    const cookie = await signedInCookie(h, ADA);
    const signedIn = await page({ cookie });
    expect(signedIn.cacheStatus).toMatch(/varnish; fwd=bypass$/);
    expect(signedIn.items.find((c) => c.id === card.id)?.installCount).toBe(card.installCount + 1);
    expect(await viaVarnish(card.id, { cookie })).toMatchObject({ installCount: agentBefore + 1 });
  });

  it('a template edit purges its page before the mutation returns', async () => {
    const template = await templateInVarnish();
    // An anonymous reader arriving the moment the purge is confirmed: it must already get (and
    // Varnish store) the new answer, which holds only when the engine's invalidation came first.
    afterPurge = () => templateViaVarnish(template.id);
    await rename(template.id, `${template.name} (edited)`);
    expect(await outboxRows()).toBe(0);
    expect((await templateViaVarnish(template.id)).name).toBe(`${template.name} (edited)`);
  });

  it('an agent edit delivered through the outbox purges the agent page', async () => {
    const agent = await agentNotInstalled();
    await storedInVarnish(agent.id);
    const description = `Edited ${agent.id} at the CDN test`;
    // An edit outside the API records its invalidation in the outbox with the change.
    const outbox = prismaOutbox(h.db.prisma);
    await outbox.transaction(async (tx) => {
      await tx.agent.update({ where: { id: agent.id }, data: { description } });
      await outbox.record(tx, { hard: [tags.agent(agent.id)], soft: [] });
    });
    const stale = await fetch(`${varnish.url}${agentPath(agent.id)}`);
    expect(trpcData<{ description: string }>(await stale.text()).description).toBe(agent.description);
    afterPurge = () => fetch(`${varnish.url}${agentPath(agent.id)}`).then((r) => r.text());
    const relay = new OutboxRelay(h.db.prisma, h.cache, () => {}, { purge: deps.cdn?.purge });
    const purgesBefore = purges;
    expect(await relay.deliverPending(0)).toBe(1);
    expect(purges).toBe(purgesBefore + 1);
    const fresh = await fetch(`${varnish.url}${agentPath(agent.id)}`);
    expect(trpcData<{ description: string }>(await fresh.text()).description).toBe(description);
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
    const template = await templateInVarnish();
    const relay = new OutboxRelay(h.db.prisma, h.cache, () => {}, { purge: deps.cdn?.purge });
    await gate.shut();
    try {
      const purgesBefore = purges;
      await rename(template.id, `${template.name} (refused)`); // returns: the purge failed at once
      expect(purges).toBe(purgesBefore);
      expect(await outboxRows()).toBe(1);
      // The CDN still has the old answer (bounded by its s-maxage), and the app the new one.
      expect(await templateViaVarnish(template.id)).toMatchObject({ name: template.name });
      expect(await relay.deliverPending(0)).toBe(0); // refused again: kept for the next pass
      expect(await outboxRows()).toBe(1);
    } finally {
      await gate.open();
    }
    afterPurge = () => templateViaVarnish(template.id); // the relay's purge also follows its invalidation
    expect(await relay.deliverPending(0)).toBe(1);
    expect(await outboxRows()).toBe(0);
    expect((await templateViaVarnish(template.id)).name).toBe(`${template.name} (refused)`);
  });
});

describe('a purge that hangs', () => {
  it('lets the mutation return after the wait bound; the record stays until the purge is done', async () => {
    const template = await templateInVarnish();
    const cdn = deps.cdn!;
    const impatient: ApiDeps = { ...deps, cdn: { ...cdn, purge: { ...cdn.purge, waitMs: 300 } } };
    gate.hold();
    try {
      await rename(template.id, `${template.name} (held)`, impatient);
      expect(purgesInFlight).toBe(1); // returned while Varnish had not answered
      expect(await outboxRows()).toBe(1);
    } finally {
      gate.release(); // the held purge fails
    }
    await purgeSettled;
    expect(await outboxRows()).toBe(1);
    const relay = new OutboxRelay(h.db.prisma, h.cache, () => {}, { purge: cdn.purge });
    expect(await relay.deliverPending(0)).toBe(1);
    expect((await templateViaVarnish(template.id)).name).toBe(`${template.name} (held)`);
  });
});

describe('the second purge', () => {
  it('drops a copy the CDN stored after the first', async () => {
    const template = await templateInVarnish();
    const cdn = deps.cdn!;
    const twice: ApiDeps = { ...deps, cdn: { ...cdn, purge: { ...cdn.purge, againAfterMs: 200 } } };
    const purgesBefore = purges;
    // Stored again right after the first purge was confirmed (before the second is scheduled).
    afterPurge = async () => {
      afterPurge = undefined;
      await templateViaVarnish(template.id);
      expect((await templateViaVarnish(template.id)).cacheStatus).toMatch(/varnish; hit$/);
    };
    await rename(template.id, `${template.name} (twice)`, twice);
    expect(purges).toBe(purgesBefore + 1);
    await vi.waitFor(() => expect(purges).toBe(purgesBefore + 2), { timeout: 10_000, interval: 20 });
    expect((await templateViaVarnish(template.id)).cacheStatus).toMatch(/varnish; fwd=miss/);
  });
});

describe('a writer that died after its commit', () => {
  it('is delivered by the relay: the invalidation first, then the purge', async () => {
    const template = await templateInVarnish();
    // A writer whose Redis is unreachable: the write commits, nothing is delivered or purged
    // (the same state as a writer killed right after its commit).
    const unreachable = createCache({
      prefix: deps.cacheKeyPrefix,
      redis: `redis://127.0.0.1:${await sparePort()}`,
    });
    try {
      await rename(template.id, `${template.name} (relayed)`, { ...deps, cache: unreachable });
    } finally {
      await unreachable.close();
    }
    expect(await outboxRows()).toBe(1);
    expect((await templateViaVarnish(template.id)).name).toBe(template.name);
    // A reader arriving the moment the relay's purge is confirmed must get the new answer.
    afterPurge = () => templateViaVarnish(template.id);
    const relay = new OutboxRelay(h.db.prisma, h.cache, () => {}, { purge: deps.cdn?.purge });
    expect(await relay.deliverPending(0)).toBe(1);
    expect((await templateViaVarnish(template.id)).name).toBe(`${template.name} (relayed)`);
  });
});

describe('without the CDN', () => {
  it('a mutation neither purges nor waits', async () => {
    const template = await templateInVarnish();
    const purgesBefore = purges;
    const { api } = await h.as(ADA);
    await api.templates.update({ id: template.id, name: `${template.name} (no CDN)` });
    expect(purges).toBe(purgesBefore);
    expect(await outboxRows()).toBe(0);
  });
});
