/**
 * Stored responses (src/response-cache.ts) and HTTP caching headers, as a client sees them: a
 * hit is the same bytes as the normal path and runs no tRPC call; a matching ETag gets a 304;
 * writes (install counts written through, template edits) show on the next GET; user-scoped
 * answers and errors are never stored; tags are replayed under the caller's call ids.
 */
import { parseCallTags, TAGS_HEADER } from '@stash/tag-sync/wire';

// What the browser's batch link once sent (its op ids): the server must not read it any more.
const CALLS_HEADER = 'x-stash-calls';

import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src';
import { handleTrpcRequest } from '../src/http';
import { ADA, createHarness, type Harness } from './support/harness';
import {
  TRPC_BASE as base,
  trpcData as data,
  signedInCookie,
  superjsonBody,
  trpcGet,
  trpcPost,
} from './support/http';

let h: Harness;
let cookie: string;
let workspaceId: number;

beforeAll(async () => {
  h = await createHarness();
  cookie = await signedInCookie(h, ADA);
  workspaceId = await h.workspaceOf(ADA);
});
afterAll(async () => {
  await h?.close();
});

const responseStats = (deps = h.deps) => deps.cache.stats().perNamespace['http.response'];
const searchStats = () => h.cache.stats().perNamespace['marketplace.search'];

async function notInstalledAgent(): Promise<number> {
  const installed = await h.db.prisma.agentInstall.findMany({
    where: { workspaceId },
    select: { agentId: true },
  });
  const agent = await h.db.prisma.agent.findFirstOrThrow({
    where: { id: { notIn: installed.map((i) => i.agentId) } },
    orderBy: { id: 'desc' },
  });
  return agent.id;
}

const install = (agentId: number) =>
  trpcPost(h, 'installs.install', superjsonBody({ workspaceId, agentId }), {
    cookie,
    'content-type': 'application/json',
  });

describe('stored responses', () => {
  it('answers a hit with the bytes of the normal path, without running the procedure', async () => {
    const input = { query: 'a', limit: 5 };
    const miss = await trpcGet(h, 'marketplace.search', input);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('cache-status')).toBe('stash; fwd=miss; stored');
    const missBody = await miss.text();
    const before = searchStats();
    const hit = await trpcGet(h, 'marketplace.search', input);
    expect(hit.headers.get('cache-status')).toMatch(/^stash; hit; ttl=\d+$/);
    expect(hit.headers.get('x-stash-cache')).toBe('marketplace.search=hit');
    expect(hit.headers.get('content-type')).toBe('application/json');
    expect(await hit.text()).toBe(missBody);
    // The procedure was not called: its own namespace saw nothing.
    expect(searchStats()).toEqual(before);
    // The normal path (an admin asking past the cache) sends the same bytes.
    const fresh = await trpcGet(h, 'marketplace.search', input, { cookie, 'x-stash-cache-mode': 'bypass' });
    expect(fresh.headers.get('x-stash-cache')).toBe('marketplace.search=bypass');
    expect(fresh.headers.get('cache-status')).toBe('stash; fwd=request');
    expect(await fresh.text()).toBe(missBody);
  });

  it('serves public calls to a request with a cookie too, and sets no cookie', async () => {
    const input = { query: 'cookie', limit: 2 };
    await trpcGet(h, 'marketplace.search', input);
    const res = await trpcGet(h, 'marketplace.search', input, { cookie });
    expect(res.headers.get('cache-status')).toMatch(/^stash; hit/);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('answers a matching If-None-Match with 304 and no body; another tag gets the bytes', async () => {
    const first = await trpcGet(h, 'marketplace.categories', undefined);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    for (const candidate of [etag!, `W/${etag}`, `"other", ${etag}`]) {
      const res = await trpcGet(h, 'marketplace.categories', undefined, { 'if-none-match': candidate });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
    }
    const other = await trpcGet(h, 'marketplace.categories', undefined, { 'if-none-match': '"nope"' });
    expect(other.status).toBe(200);
    expect(await other.text()).toBe(await first.text());
  });

  it('shows an install on the next GET of the agent page and of a list showing it', async () => {
    const search = { query: '', limit: 50 };
    const installed = await h.db.prisma.agentInstall.findMany({
      where: { workspaceId },
      select: { agentId: true },
    });
    const firstPage = data<{ items: { id: number }[] }>(
      await (await trpcGet(h, 'marketplace.search', search)).text(),
    );
    const agentId = firstPage.items.find((i) => !installed.some((x) => x.agentId === i.id))!.id;
    const count = async () => {
      const agent = await trpcGet(h, 'marketplace.agent', { id: agentId });
      const list = await trpcGet(h, 'marketplace.search', search);
      const page = data<{ items: { id: number; installCount: number }[] }>(await list.text());
      return {
        agent: data<{ installCount: number }>(await agent.text()).installCount,
        listed: page.items.find((i) => i.id === agentId)?.installCount,
        etag: agent.headers.get('etag'),
      };
    };
    const before = await count();
    expect(before.listed).toBe(before.agent);
    expect((await count()).etag).toBe(before.etag); // stored: the same answer again
    expect((await install(agentId)).status).toBe(200);
    const after = await count();
    expect(after.agent).toBe(before.agent + 1);
    expect(after.listed).toBe(before.agent + 1);
    expect(after.etag).not.toBe(before.etag);
    // A revalidation with the old tag now gets the new bytes.
    const res = await trpcGet(h, 'marketplace.agent', { id: agentId }, { 'if-none-match': before.etag! });
    expect(res.status).toBe(200);
  });

  it('shows an install made on another instance at once (exact reads come from Redis)', async () => {
    const other = await h.sibling();
    const agentId = await notInstalledAgent();
    const read = async () =>
      data<{ installCount: number }>(
        await (await trpcGet(other, 'marketplace.agent', { id: agentId })).text(),
      );
    const before = (await read()).installCount;
    await read(); // stored
    expect((await install(agentId)).status).toBe(200);
    expect((await read()).installCount).toBe(before + 1);
  });

  it('shows a template edit on the next GET', async () => {
    const ada = await h.session(ADA);
    const template = await h.db.prisma.workflowTemplate.findFirstOrThrow({ where: { authorId: ada.userId } });
    const name = async () =>
      data<{ name: string }>(await (await trpcGet(h, 'templates.byId', { id: template.id })).text()).name;
    await name();
    await name();
    const edited = `${template.name} (edited)`;
    const res = await trpcPost(h, 'templates.update', superjsonBody({ id: template.id, name: edited }), {
      cookie,
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    expect(await name()).toBe(edited);
  });

  it('replays the same tags, keyed by batch index, whatever call ids a request sends', async () => {
    const agentId = await notInstalledAgent();
    const url = `${base}/marketplace.agent?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: superjson.serialize({ id: agentId }) }))}`;
    const tagsFor = async (id: string) => {
      const res = await handleTrpcRequest(new Request(url, { headers: { [CALLS_HEADER]: id } }), h.deps);
      return { tags: parseCallTags(res.headers.get(TAGS_HEADER)), status: res.headers.get('cache-status') };
    };
    const first = await tagsFor('7');
    expect(first.tags.get('0')).toEqual([`agent:${agentId}`, `agent:${agentId}:installs`]);
    const second = await tagsFor('99');
    expect(second.status).toMatch(/^stash; hit/);
    expect([...second.tags.keys()]).toEqual(['0']);
    expect(second.tags.get('0')).toEqual(first.tags.get('0'));
  });

  it('derives the client address only when tRPC runs, never for a stored hit', async () => {
    let derived = 0;
    const clientAddress = () => {
      derived++;
      return '198.51.100.1';
    };
    const url = `${base}/marketplace.categories?input=${encodeURIComponent(superjsonBody(undefined))}`;
    await handleTrpcRequest(new Request(url), h.deps); // stored
    const hit = await handleTrpcRequest(new Request(url), h.deps, { clientAddress });
    expect(hit.headers.get('cache-status')).toMatch(/^stash; hit/);
    expect(derived).toBe(0);
    // Not a stored answer: tRPC runs and the context gets the address.
    await handleTrpcRequest(new Request(`${base}/auth.me`), h.deps, { clientAddress });
    expect(derived).toBe(1);
  });

  it('never stores user-scoped answers (private ones: their own test), errors, or batches of several calls', async () => {
    const before = responseStats();
    for (let i = 0; i < 2; i++) {
      const mine = await trpcGet(h, 'workspaces.mine', undefined, { cookie });
      expect(mine.status).toBe(200);
      expect(mine.headers.get('cache-control')).toBe('private, no-store');
      expect(mine.headers.get('vary')).toBeNull();
      expect(mine.headers.get('etag')).toBeNull();
    }
    expect(responseStats()).toEqual(before); // never even looked up
    for (let i = 0; i < 2; i++) {
      const missing = await trpcGet(h, 'marketplace.agent', { id: 2_000_000 });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('cache-control')).toBe('private, no-store');
      expect(missing.headers.get('etag')).toBeNull();
    }
    const input = encodeURIComponent(
      JSON.stringify({ 0: superjson.serialize(undefined), 1: superjson.serialize(undefined) }),
    );
    const batch = await handleTrpcRequest(
      new Request(`${base}/marketplace.categories,workspaces.mine?batch=1&input=${input}`, {
        headers: { cookie },
      }),
      h.deps,
    );
    expect(batch.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('which requests the response cache takes', () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    handleTrpcRequest(
      new Request(`${base}/${path}?input=${encodeURIComponent(superjsonBody(undefined))}`, { headers }),
      h.deps,
    );

  it('judges a percent-encoded path by the procedure it names', async () => {
    const before = responseStats();
    for (let i = 0; i < 2; i++) {
      const mine = await get('workspaces%2Emine', { cookie });
      expect(mine.headers.get('cache-control')).toBe('private, no-store');
      expect(mine.headers.get('etag')).toBeNull();
    }
    expect(responseStats()).toEqual(before);
    const plain = await (await get('marketplace.categories')).text();
    await get('marketplace%2Ecategories');
    const encoded = await get('marketplace%2Ecategories');
    expect(encoded.headers.get('cache-status')).toMatch(/^stash; hit/);
    expect(await encoded.text()).toBe(plain);
  });

  it('answers a malformed escape in the path with a 400 the client can read, not a 500', async () => {
    const res = await get('marketplace%E0%A4categories');
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const { error } = (await res.json()) as { error: { json: { data: { code: string } } } };
    expect(error.json.data.code).toBe('BAD_REQUEST');
    // A well-formed path that happens to read "malformed" is just an unknown procedure.
    expect((await get('malformed')).status).toBe(404);
  });
});

describe('request headers and shared caches', () => {
  // What a CDN stores is served to everyone who asks for the URL: nothing a request sends may
  // show up in it, and Vary must name every header the answer does depend on.
  const injected = '1=user:1:session;2=workspace:1;7';
  const sharedAnswers = async () => {
    const one = encodeURIComponent(superjsonBody(undefined));
    const both = encodeURIComponent(
      JSON.stringify({ 0: superjson.serialize(undefined), 1: superjson.serialize({ id: 1 }) }),
    );
    const headers = { [CALLS_HEADER]: injected, 'x-stash-cache': injected, 'x-stash-tags': injected };
    const responses: Response[] = [];
    for (let i = 0; i < 2; i++) {
      // A stored response (miss, then hit) and a batch of public calls (the normal path).
      responses.push(
        await handleTrpcRequest(
          new Request(`${base}/marketplace.categories?input=${one}`, { headers }),
          h.deps,
        ),
        await handleTrpcRequest(
          new Request(`${base}/marketplace.categories,marketplace.agent?batch=1&input=${both}`, { headers }),
          h.deps,
        ),
      );
    }
    return responses;
  };

  it('echoes no request header into a shared-cacheable response', async () => {
    for (const res of await sharedAnswers()) {
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/^public/);
      for (const [name, value] of res.headers) {
        expect(value, name).not.toContain('user:1:session');
        expect(value, name).not.toMatch(/(^|;)7=/);
      }
      // Tags keyed by the call's place in the batch, whoever asks.
      expect([...parseCallTags(res.headers.get(TAGS_HEADER)).keys()][0]).toBe('0');
    }
  });

  it('names in Vary every request header a shared answer depends on', async () => {
    for (const res of await sharedAnswers()) {
      const vary = (res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
      expect(vary).toEqual(expect.arrayContaining(['trpc-accept', 'accept', 'x-stash-cache-mode']));
    }
    // An admin's cache mode changes the answer: never one a shared cache may keep.
    const adminCookie = cookie; // ada is the harness's admin
    const bypass = await trpcGet(h, 'marketplace.categories', undefined, {
      cookie: adminCookie,
      'x-stash-cache-mode': 'bypass',
    });
    expect(bypass.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('Cache-Control for shared caches', () => {
  it('lets a CDN keep TTL-only answers while fresh, and revalidate answers a write can change', async () => {
    const categories = await trpcGet(h, 'marketplace.categories', undefined);
    const cc = categories.headers.get('cache-control')!;
    const sMaxAge = Number(/s-maxage=(\d+)/.exec(cc)?.[1]);
    expect(cc).toMatch(/^public, max-age=0, s-maxage=\d+, stale-while-revalidate=60$/);
    expect(sMaxAge).toBeGreaterThan(0);
    expect(sMaxAge).toBeLessThanOrEqual(300); // never past the entry's 5 min TTL
    const search = await trpcGet(h, 'marketplace.search', { limit: 1 });
    expect(search.headers.get('cache-control')).toBe(
      'public, max-age=0, s-maxage=0, stale-while-revalidate=0',
    );
  });

  it('gives answers a write can change the lag the operator allows', async () => {
    const deps = { ...h.deps, cdnMaxLagMs: 5_000 };
    const res = await handleTrpcRequest(
      new Request(`${base}/marketplace.search?input=${encodeURIComponent(superjsonBody({ limit: 1 }))}`),
      deps,
    );
    expect(res.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=5, stale-while-revalidate=0');
    // Configured in seconds; none unless set.
    const secret = { SESSION_SECRET: 'x'.repeat(40) };
    expect(loadConfig({ ...secret, STASH_CDN_MAX_LAG_S: '5' }).cdnMaxLagMs).toBe(5_000);
    expect(loadConfig(secret).cdnMaxLagMs).toBe(0);
  });
});
