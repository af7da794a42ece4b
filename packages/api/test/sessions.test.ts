/**
 * Revocable sessions: sign-out ends every copy of the user's session, on every instance, at the
 * very next request; a cookie from before revocable sessions existed proves nothing.
 */
import { DEMO_PASSWORD } from '@stash/db';
import { sealData } from 'iron-session';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSession, unsealSession } from '../src/auth/session';
import { ADA, createHarness, type Harness } from './support/harness';
import { superjsonBody, trpcGet, trpcPost } from './support/http';

let h: Harness;
let other: Awaited<ReturnType<Harness['sibling']>>;
beforeAll(async () => {
  h = await createHarness();
  other = await h.sibling();
});
afterAll(async () => {
  await h?.close();
});

const JSON_POST = { 'content-type': 'application/json' };

async function signIn(): Promise<string> {
  const res = await trpcPost(
    h,
    'auth.signIn',
    superjsonBody({ email: ADA, password: DEMO_PASSWORD }),
    JSON_POST,
  );
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function whoIs(instance: Pick<Harness, 'deps'>, cookie: string): Promise<string | null> {
  const res = await trpcGet(instance, 'auth.me', undefined, { cookie });
  const body = (await res.json()) as { result: { data: never } };
  return superjson.deserialize<{ email: string } | null>(body.result.data)?.email ?? null;
}

describe('sign-out', () => {
  it('revokes every session of the user on every instance at the next request', async () => {
    const laptop = await signIn();
    const phone = await signIn();
    // Both instances have seen (and cached) the current session version.
    expect(await whoIs(h, laptop)).toBe(ADA);
    expect(await whoIs(other, phone)).toBe(ADA);
    expect((await trpcGet(other, 'workspaces.mine', undefined, { cookie: phone })).status).toBe(200);

    const out = await trpcPost(h, 'auth.signOut', superjsonBody(undefined), { ...JSON_POST, cookie: laptop });
    expect(out.status).toBe(200);

    // The old cookie, replayed to the other instance, proves nothing any more.
    expect(await whoIs(other, laptop)).toBeNull();
    expect(await whoIs(other, phone)).toBeNull();
    expect((await trpcGet(other, 'workspaces.mine', undefined, { cookie: laptop })).status).toBe(401);

    // Signing in again works, on either instance.
    const fresh = await signIn();
    expect(await whoIs(other, fresh)).toBe(ADA);
    expect(await whoIs(h, fresh)).toBe(ADA);
  });

  it('treats a cookie without a session version (issued before revocation existed) as signed out', async () => {
    const ada = await h.session(ADA);
    const legacy = await sealData(ada, { password: h.deps.sessionSecret, ttl: 3600 });
    expect(await whoIs(h, `stash_session=${encodeURIComponent(legacy)}`)).toBeNull();
  });
});

describe('unsealed sessions kept in memory', () => {
  const secret = 'a'.repeat(32);
  it('proves a session only under the secret it was sealed with, however often it was unsealed', async () => {
    const ada = await h.session(ADA);
    const sealed = await sealSession(ada, 3, secret);
    for (let i = 0; i < 2; i++)
      expect(await unsealSession(sealed, secret)).toEqual({ session: ada, version: 3 });
    expect(await unsealSession(sealed, 'b'.repeat(32))).toBeNull();
  });

  it('refuses a seal whose expiry field was changed, after the real one was unsealed', async () => {
    const sealed = await sealSession(await h.session(ADA), 3, secret);
    expect(await unsealSession(sealed, secret)).not.toBeNull();
    const fields = sealed.split('*');
    fields[5] = String(Number(fields[5]) + 3_600_000);
    expect(await unsealSession(fields.join('*'), secret)).toBeNull();
  });
});
