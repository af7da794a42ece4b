/**
 * The operational endpoints' gate: admins with a current session, or (for /api/metrics) the
 * scraper's bearer token. Everyone else is told to sign in (401) or refused (403).
 */
import { DEMO_PASSWORD } from '@stash/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsAccess, opsRefusal } from '../src';
import { ADA, createHarness, GRACE, type Harness } from './support/harness';
import { superjsonBody, trpcPost } from './support/http';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const TOKEN = 'scrape-token-0123456789abcdef';

async function cookieOf(email: string): Promise<string> {
  const res = await trpcPost(h, 'auth.signIn', superjsonBody({ email, password: DEMO_PASSWORD }), {
    'content-type': 'application/json',
  });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const request = (headers: Record<string, string>) => new Request('http://localhost/api/metrics', { headers });

describe('operational endpoints', () => {
  it('let an admin in and refuse other users and visitors', async () => {
    expect(await opsAccess(h.deps, request({ cookie: await cookieOf(ADA) }))).toBe('granted');
    expect(await opsAccess(h.deps, request({ cookie: await cookieOf(GRACE) }))).toBe('forbidden');
    expect(await opsAccess(h.deps, request({}))).toBe('signed-out');
    expect(opsRefusal('forbidden')?.status).toBe(403);
    const signedOut = opsRefusal('signed-out')!;
    expect(signedOut.status).toBe(401);
    expect(await signedOut.text()).toMatch(/STASH_METRICS_TOKEN/);
  });

  it('let a scraper in with the configured bearer token only', async () => {
    const bearer = (token: string) => request({ authorization: `Bearer ${token}` });
    expect(await opsAccess(h.deps, bearer(TOKEN), { metricsToken: TOKEN })).toBe('granted');
    expect(await opsAccess(h.deps, bearer(`${TOKEN}x`), { metricsToken: TOKEN })).toBe('signed-out');
    expect(await opsAccess(h.deps, bearer(''), { metricsToken: TOKEN })).toBe('signed-out');
    // No token configured: no bearer opens the door.
    expect(await opsAccess(h.deps, bearer(TOKEN))).toBe('signed-out');
  });

  it('stop letting an admin in once they signed out', async () => {
    const cookie = await cookieOf(ADA);
    const out = await trpcPost(h, 'auth.signOut', superjsonBody(undefined), {
      'content-type': 'application/json',
      cookie,
    });
    expect(out.status).toBe(200);
    expect(await opsAccess(h.deps, request({ cookie }))).toBe('signed-out');
  });
});
