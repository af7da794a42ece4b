/**
 * What a CDN (a real varnishd running cdn/stash.vcl, support/cdn-rig().ts) gets from the app: which
 * answers carry tags and a long s-maxage, which pass, and which writes purge them.
 */
import { describe, expect, it } from 'vitest';
import { type ApiDeps, SESSION_COOKIE } from '../src';
import { OutboxRelay, prismaOutbox } from '../src/caching/outbox';
import { tags } from '../src/caching/tags';
import { handleTrpcRequest } from '../src/http';
import { agentPath, SEARCH_PATH, SOFT_MAX_AGE_S, useCdnRig } from './support/cdn-rig';
import { ADA } from './support/harness';
import { signedInCookie, superjsonBody, trpcData } from './support/http';
import { startHttpServer } from './support/http-server';

const rig = useCdnRig();

describe('stored public answers at the CDN', () => {
  it('carry their tags, without the install counts, and a long s-maxage only when the CDN is purged', async () => {
    const agent = await rig().agentNotInstalled();
    const direct = await fetch(`${rig().app.url}${agentPath(agent.id)}`);
    // The count is soft at the CDN: its tag is not sent, so no install purges the page.
    expect(direct.headers.get('xkey')).toBe(`agent:${agent.id}`);
    expect(direct.headers.get('x-stash-tags')).toContain(`agent:${agent.id}:installs`);
    const sMaxAge = Number(/s-maxage=(\d+)/.exec(direct.headers.get('cache-control') ?? '')?.[1]);
    expect(sMaxAge).toBeGreaterThan(60); // the parts' remaining TTL (5 min), not the lag (0)
    expect(sMaxAge).toBeLessThanOrEqual(SOFT_MAX_AGE_S); // it shows a count: the soft cap
    expect(direct.headers.get('cache-control')).toContain('stale-while-revalidate=0');
    // The same stored answer, on a 304, says the same.
    const revalidated = await fetch(`${rig().app.url}${agentPath(agent.id)}`, {
      headers: { 'if-none-match': direct.headers.get('etag') ?? '' },
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('xkey')).toBe(direct.headers.get('xkey'));

    // A search page: only the list's own tag, none of its cards' counts.
    const search = await fetch(`${rig().app.url}${SEARCH_PATH}`);
    expect(search.status).toBe(200);
    expect(search.headers.get('xkey')).toBe('marketplace:lists');

    // Without a CDN configured: no tags, and a write-changeable answer is revalidated each time.
    const plain = await startHttpServer(rig().h.deps);
    try {
      const res = await fetch(`${plain.url}${agentPath(agent.id)}`);
      expect(res.headers.get('xkey')).toBeNull();
      expect(res.headers.get('cache-control')).toContain('s-maxage=0');
    } finally {
      await plain.close();
    }
  });

  it('does not share an answer whose keys do not fit the CDN header', async () => {
    const agent = await rig().agentNotInstalled();
    const cdn = rig().deps.cdn!;
    // Not shared at all, not even for the lag an operator allows answers the CDN is not told of.
    const narrow: ApiDeps = {
      ...rig().deps,
      cdnMaxLagMs: 60_000,
      cdn: { ...cdn, tagHeader: { ...cdn.tagHeader, maxValueBytes: 4 } },
    };
    const res = await handleTrpcRequest(new Request(`http://localhost${agentPath(agent.id)}`), narrow);
    expect(res.status).toBe(200);
    expect(res.headers.get('xkey')).toBeNull();
    expect(res.headers.get('cache-control')).toContain('s-maxage=0');
  });

  it('rebuilds a stored answer near its end rather than hand the CDN a copy about to expire', async () => {
    const agent = await rig().agentNotInstalled();
    const cdn = rig().deps.cdn!;
    // refreshAhead 0: no stored answer counts as near its end; 1: every one does.
    const read = (refreshAhead: number, path = agentPath(agent.id)) =>
      handleTrpcRequest(new Request(`http://localhost${path}`), {
        ...rig().deps,
        cdn: { ...cdn, refreshAhead },
      });
    const description = async (res: Response) =>
      trpcData<{ description: string }>(await res.text()).description;
    const sMaxAge = (res: Response) =>
      Number(/s-maxage=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1]);
    expect(await description(await read(0))).toBe(agent.description);
    // A change the cache is not told of: the stored answer still shows the old text ...
    const rewritten = `${agent.description} Rewritten behind the cache.`;
    await rig().h.db.prisma.agent.update({ where: { id: agent.id }, data: { description: rewritten } });
    const replayed = await read(0);
    expect(replayed.headers.get('x-stash-cache')).toBe('marketplace.agent=hit');
    expect(await description(replayed)).toBe(agent.description);
    // ... until it is near its end. An answer just built from a cached part as near its end
    // (another URL of the same call: a new stored response) is rebuilt from the database, and
    // what the CDN gets lives a full lifetime (the parts' TTL, under the soft cap of the count) ...
    const built = await read(1, `${agentPath(agent.id)}&copy=2`);
    expect(built.headers.get('x-stash-cache')).toBe('marketplace.agent=miss');
    expect(await description(built)).toBe(rewritten);
    expect(sMaxAge(built)).toBeGreaterThan(60);
    // ... and so is the stored one, which is the rebuilt answer from then on.
    const rebuilt = await read(1);
    expect(rebuilt.headers.get('x-stash-cache')).toBe('marketplace.agent=miss');
    expect(await description(rebuilt)).toBe(rewritten);
    expect(sMaxAge(rebuilt)).toBeGreaterThan(60);
    const next = await read(0);
    expect(next.headers.get('x-stash-cache')).toBe('marketplace.agent=hit');
    expect(await description(next)).toBe(rewritten);
  });

  it('rebuilds a page whose list was stale rather than hand the CDN an answer it cannot keep', async () => {
    // Several URLs of one search: one list entry, a stored response each.
    const url = (copy: string) => `${SEARCH_PATH}&copy=${copy}`;
    const read = (path: string, deps: ApiDeps) =>
      handleTrpcRequest(new Request(`http://localhost${path}`), deps);
    const sMaxAge = (res: Response) =>
      Number(/s-maxage=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1]);
    const { cdn: _, ...withoutCdn } = rig().deps;
    const first = await read(url('first'), rig().deps);
    const { items } = trpcData<{ items: Array<{ id: number }> }>(await first.text());
    const cardId = items[0]?.id;
    if (cardId === undefined) throw new Error('the search page is empty');
    // The list goes stale (as past its TTL, in its grace): it is served while it is refreshed.
    const staleList = () => rig().deps.cache.invalidateTags([tags.marketplaceLists()], { soft: true });
    await staleList();
    // Without a CDN, a page built from it is answered at once and not shared ...
    const plain = await read(url('plain'), withoutCdn);
    expect(plain.headers.get('x-stash-cache')).toBe('marketplace.search=stale');
    expect(plain.headers.get('cache-control')).toContain('s-maxage=0');
    // ... with one, it is rebuilt from the database, stored, and shared for a full lifetime;
    const expectRebuilt = (res: Response) => {
      expect(res.headers.get('x-stash-cache')).toBe('marketplace.search=miss');
      expect(res.headers.get('cache-status')).toBe('stash; fwd=miss; stored');
      expect(sMaxAge(res)).toBeGreaterThan(60);
    };
    await staleList();
    expectRebuilt(await read(url('second'), rig().deps));
    // also when a card's count was a miss besides (the call then reports `miss`, not `stale`).
    await staleList();
    await rig().deps.cache.invalidateTags([tags.agentInstalls(cardId)]);
    expectRebuilt(await read(url('third'), rig().deps));
  });

  it('never tags or shares an answer that depends on the session', async () => {
    const cookie = await signedInCookie(rig().h, ADA);
    const res = await fetch(
      `${rig().app.url}/api/trpc/workspaces.byId?input=${encodeURIComponent(superjsonBody({ workspaceId: rig().workspaceId }))}`,
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
      const res = await fetch(`${rig().varnish.url}${SEARCH_PATH}`, { headers });
      expect(res.status).toBe(200);
      const { items } = trpcData<{ items: Array<{ id: number; installCount: number }> }>(await res.text());
      return { items, cacheStatus: res.headers.get('cache-status') ?? '' };
    };
    const first = await page();
    const installedHere = new Set(
      (
        await rig().h.db.prisma.agentInstall.findMany({
          where: { workspaceId: rig().workspaceId },
          select: { agentId: true },
        })
      ).map((i) => i.agentId),
    );
    const card = first.items.find((c) => !installedHere.has(c.id));
    if (!card) throw new Error('every agent on the page is installed in the workspace');
    expect((await page()).cacheStatus).toMatch(/varnish; hit$/);
    const agentBefore = await rig().storedInVarnish(card.id);

    const purgesBefore = rig().purges;
    await rig().install(card.id);
    expect(rig().purges).toBe(purgesBefore); // not even sent: no CDN copy carries the count's tag
    expect(await rig().outboxRows()).toBe(0);

    const anonymous = await page();
    expect(anonymous.cacheStatus).toMatch(/varnish; hit$/);
    expect(anonymous.items.find((c) => c.id === card.id)?.installCount).toBe(card.installCount);
    const agentPage = await rig().viaVarnish(card.id);
    expect(agentPage).toMatchObject({ installCount: agentBefore });
    expect(agentPage.cacheStatus).toMatch(/varnish; hit$/);

    // Signed in, the same URLs pass to the app: the count is live (read-your-writes).
    const cookie = await signedInCookie(rig().h, ADA);
    const signedIn = await page({ cookie });
    expect(signedIn.cacheStatus).toMatch(/varnish; fwd=bypass$/);
    expect(signedIn.items.find((c) => c.id === card.id)?.installCount).toBe(card.installCount + 1);
    expect(await rig().viaVarnish(card.id, { cookie })).toMatchObject({ installCount: agentBefore + 1 });
  });

  it('a template edit purges its page before the mutation returns', async () => {
    const template = await rig().templateInVarnish();
    // An anonymous reader arriving the moment the purge is confirmed: it must already get (and
    // Varnish store) the new answer, which holds only when the engine's invalidation came first.
    rig().afterPurge = () => rig().templateViaVarnish(template.id);
    await rig().rename(template.id, `${template.name} (edited)`);
    expect(await rig().outboxRows()).toBe(0);
    expect((await rig().templateViaVarnish(template.id)).name).toBe(`${template.name} (edited)`);
  });

  it('an agent edit delivered through the outbox purges the agent page', async () => {
    const agent = await rig().agentNotInstalled();
    await rig().storedInVarnish(agent.id);
    const description = `Edited ${agent.id} at the CDN test`;
    // An edit outside the API records its invalidation in the outbox with the change.
    const outbox = prismaOutbox(rig().h.db.prisma);
    await outbox.transaction(async (tx) => {
      await tx.agent.update({ where: { id: agent.id }, data: { description } });
      await outbox.record(tx, { hard: [tags.agent(agent.id)], soft: [] });
    });
    const stale = await fetch(`${rig().varnish.url}${agentPath(agent.id)}`);
    expect(trpcData<{ description: string }>(await stale.text()).description).toBe(agent.description);
    rig().afterPurge = () => fetch(`${rig().varnish.url}${agentPath(agent.id)}`).then((r) => r.text());
    const relay = new OutboxRelay(rig().h.db.prisma, rig().h.cache, () => {}, {
      purge: rig().deps.cdn?.purge,
    });
    const purgesBefore = rig().purges;
    expect(await relay.deliverPending(0)).toBe(1);
    expect(rig().purges).toBe(purgesBefore + 1);
    const fresh = await fetch(`${rig().varnish.url}${agentPath(agent.id)}`);
    expect(trpcData<{ description: string }>(await fresh.text()).description).toBe(description);
  });

  it('lets signed-in reads pass to the app', async () => {
    const agent = await rig().agentNotInstalled();
    await rig().storedInVarnish(agent.id);
    const cookie = await signedInCookie(rig().h, ADA);
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const read = await rig().viaVarnish(agent.id, { cookie });
      expect(read.cacheStatus).toMatch(/varnish; fwd=bypass$/);
    }
  });
});
