/**
 * Stored private responses (src/private-response-cache.ts): a signed-in GET of a user-scoped
 * cached procedure is answered with the bytes the same user got last time. The promises, each
 * checked with the bytes already stored: another user never gets them; a signed-out session or
 * a removed member is refused at the next request on every instance; a write by the user shows
 * on their next read; the answer stays private.
 */
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, createHarness, GRACE, type Harness } from './support/harness';
import { signedInCookie, superjsonBody, trpcGet, trpcPost } from './support/http';

let h: Harness;
let other: Awaited<ReturnType<Harness['sibling']>>;
let workspaceId: number;
beforeAll(async () => {
  h = await createHarness();
  other = await h.sibling();
  workspaceId = await h.workspaceOf(ADA);
});
afterAll(async () => {
  await h?.close();
});

const JSON_POST = { 'content-type': 'application/json' };
const stats = (path: string) => h.cache.stats().perNamespace[path];

function data<T>(body: string): T {
  return superjson.deserialize<T>((JSON.parse(body) as { result: { data: never } }).result.data);
}

interface Page {
  id: number;
  myRole: string | null;
  installs: Array<{ agent: { id: number; installCount: number } }>;
}

/** Reads the workspace page twice, so the second answer is the stored bytes; returns them. */
async function storedPage(instance: Pick<Harness, 'deps'>, cookie: string): Promise<string> {
  await trpcGet(instance, 'workspaces.byId', { workspaceId }, { cookie });
  const hit = await trpcGet(instance, 'workspaces.byId', { workspaceId }, { cookie });
  expect(hit.status).toBe(200);
  expect(hit.headers.get('cache-status')).toMatch(/^stash; hit; ttl=\d+$/);
  return hit.text();
}

describe('stored private responses', () => {
  it('answers a hit with the bytes of the normal path, privately, without running the procedure', async () => {
    const cookie = await signedInCookie(h, ADA);
    const miss = await trpcGet(h, 'workspaces.byId', { workspaceId }, { cookie });
    expect(miss.headers.get('cache-status')).toBe('stash; fwd=miss; stored');
    const missBody = await miss.text();
    const before = stats('workspaces.byId');
    const hit = await trpcGet(h, 'workspaces.byId', { workspaceId }, { cookie });
    expect(await hit.text()).toBe(missBody);
    expect(hit.headers.get('x-stash-cache')).toBe('workspaces.byId=hit');
    expect(hit.headers.get('x-stash-tags')).toBe(miss.headers.get('x-stash-tags'));
    // Never for a shared cache: no public, no s-maxage, no validator a CDN could key on.
    expect(hit.headers.get('cache-control')).toBe('private, no-store');
    expect(hit.headers.get('etag')).toBeNull();
    expect(stats('workspaces.byId')).toEqual(before); // the procedure's entry was not even read
    // The normal path (an admin asking past the cache) sends the same bytes.
    const fresh = await trpcGet(
      h,
      'workspaces.byId',
      { workspaceId },
      { cookie, 'x-stash-cache-mode': 'bypass' },
    );
    expect(await fresh.text()).toBe(missBody);
  });

  it('never hands one user the bytes stored for another', async () => {
    const ada = await signedInCookie(h, ADA);
    const grace = await signedInCookie(h, GRACE);
    const adaMine = data<Array<{ id: number }>>(
      await (await trpcGet(h, 'workspaces.mine', undefined, { cookie: ada })).text(),
    );
    await trpcGet(h, 'workspaces.mine', undefined, { cookie: ada }); // Ada's bytes stored
    await storedPage(h, ada);
    const graceMine = data<Array<{ id: number }>>(
      await (await trpcGet(h, 'workspaces.mine', undefined, { cookie: grace })).text(),
    );
    expect(graceMine.map((w) => w.id)).not.toEqual(adaMine.map((w) => w.id));
    expect(graceMine.map((w) => w.id)).not.toContain(workspaceId);
    // Grace is no member of Ada's workspace: the same URL Ada has bytes for is refused.
    expect((await trpcGet(h, 'workspaces.byId', { workspaceId }, { cookie: grace })).status).toBe(404);
    expect((await trpcGet(h, 'workspaces.byId', { workspaceId })).status).toBe(401);
  });

  it('refuses a signed-out session at the next request on every instance, bytes stored or not', async () => {
    const laptop = await signedInCookie(h, ADA);
    const phone = await signedInCookie(h, ADA);
    await storedPage(h, laptop);
    await storedPage(other, phone);
    const out = await trpcPost(h, 'auth.signOut', superjsonBody(undefined), { ...JSON_POST, cookie: laptop });
    expect(out.status).toBe(200);
    for (const instance of [h, other])
      for (const cookie of [laptop, phone])
        expect((await trpcGet(instance, 'workspaces.byId', { workspaceId }, { cookie })).status).toBe(401);

    // Signed in again: the new session stores bytes, and the old cookie still gets none of them.
    const fresh = await signedInCookie(h, ADA);
    await storedPage(h, fresh);
    await storedPage(other, fresh);
    expect((await trpcGet(h, 'workspaces.byId', { workspaceId }, { cookie: laptop })).status).toBe(401);
    expect((await trpcGet(other, 'workspaces.mine', undefined, { cookie: phone })).status).toBe(401);
  });

  it('refuses a removed member at the next request on every instance, though their bytes are stored', async () => {
    const ada = await signedInCookie(h, ADA);
    const grace = await signedInCookie(h, GRACE);
    const graceId = (await h.session(GRACE)).userId;
    const add = await trpcPost(h, 'members.add', superjsonBody({ workspaceId, email: GRACE }), {
      ...JSON_POST,
      cookie: ada,
    });
    expect(add.status).toBe(200);
    expect(data<Page>(await storedPage(h, grace)).myRole).toBe('MEMBER');
    await storedPage(other, grace);

    const remove = await trpcPost(h, 'members.remove', superjsonBody({ workspaceId, userId: graceId }), {
      ...JSON_POST,
      cookie: ada,
    });
    expect(remove.status).toBe(200);
    expect((await trpcGet(h, 'workspaces.byId', { workspaceId }, { cookie: grace })).status).toBe(404);
    expect((await trpcGet(other, 'workspaces.byId', { workspaceId }, { cookie: grace })).status).toBe(404);
  });

  it("shows the user's own write on their next read, on every instance", async () => {
    const cookie = await signedInCookie(h, ADA);
    const before = data<Page>(await storedPage(h, cookie));
    await storedPage(other, cookie);
    const installed = new Set(before.installs.map((i) => i.agent.id));
    const agent = await h.db.prisma.agent.findFirstOrThrow({
      where: { id: { notIn: [...installed] } },
      orderBy: { id: 'asc' },
    });
    const res = await trpcPost(h, 'installs.install', superjsonBody({ workspaceId, agentId: agent.id }), {
      ...JSON_POST,
      cookie,
    });
    expect(res.status).toBe(200);
    for (const instance of [h, other]) {
      const page = data<Page>(
        await (await trpcGet(instance, 'workspaces.byId', { workspaceId }, { cookie })).text(),
      );
      const shown = page.installs.find((i) => i.agent.id === agent.id);
      expect(shown?.agent.installCount).toBe(agent.installCount + 1);
    }
  });
});
