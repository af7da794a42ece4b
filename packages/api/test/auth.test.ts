import { DEMO_PASSWORD } from '@stash/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, SESSION_COOKIE } from '../src';
import { createContextFromRequest } from '../src/context';
import { expectTRPCError } from './support/errors';
import { ADA, createHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

function cookieFrom(headers: Headers): string {
  const setCookie = headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0]!;
}

describe('auth', () => {
  it('signs a seeded user in with an httpOnly session cookie that later requests carry', async () => {
    const { api, ctx } = await h.as(null);
    const { user } = await api.auth.signIn({ email: 'ADA@stash.dev', password: DEMO_PASSWORD });
    expect(user.email).toBe(ADA);
    const setCookie = ctx.resHeaders.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toContain('HttpOnly');

    const req = new Request('http://localhost/api/trpc/auth.me', {
      headers: { cookie: cookieFrom(ctx.resHeaders) },
    });
    const next = await createContextFromRequest(h.deps, req, new Headers());
    expect(next.session).toEqual(user);
  });

  it('rejects a wrong password or unknown email with the same message', async () => {
    const { api } = await h.as(null);
    const wrong = await expectTRPCError(api.auth.signIn({ email: ADA, password: 'nope' }), 'UNAUTHORIZED');
    const unknown = await expectTRPCError(
      api.auth.signIn({ email: 'nobody@stash.dev', password: DEMO_PASSWORD }),
      'UNAUTHORIZED',
    );
    expect(wrong.message).toBe(unknown.message);
    await expectTRPCError(api.auth.signIn({ email: 'not-an-email', password: 'x' }), 'BAD_REQUEST');
  });

  it('treats a tampered cookie as signed out', async () => {
    const { api, ctx } = await h.as(null);
    await api.auth.signIn({ email: ADA, password: DEMO_PASSWORD });
    const cookie = cookieFrom(ctx.resHeaders);
    const tampered = `${cookie.slice(0, -4)}AAAA`;
    const req = new Request('http://localhost/', { headers: { cookie: tampered } });
    expect((await createContextFromRequest(h.deps, req, new Headers())).session).toBeNull();
  });

  it('treats a cookie with broken percent-encoding as signed out instead of failing', async () => {
    const req = new Request('http://localhost/', { headers: { cookie: 'stash_session=%E0%A4%A' } });
    expect((await createContextFromRequest(h.deps, req, new Headers())).session).toBeNull();
  });

  it('names no admin unless configured, outside an explicit development machine', () => {
    const secret = { SESSION_SECRET: 'x'.repeat(40) };
    for (const NODE_ENV of ['production', 'development', undefined]) {
      expect(loadConfig({ ...secret, NODE_ENV }).adminEmails).toEqual([]);
    }
    expect(loadConfig({ ...secret, STASH_ADMIN_EMAILS: 'Ops@Stash.dev, b@x.io' }).adminEmails).toEqual([
      'ops@stash.dev',
      'b@x.io',
    ]);
    expect(loadConfig({ STASH_DEV: '1' }, () => 'k'.repeat(43)).adminEmails).toEqual(['ada@stash.dev']);
  });

  it('trusts no proxy unless STASH_TRUSTED_PROXIES names it, and refuses a list it cannot read', () => {
    const secret = { SESSION_SECRET: 'x'.repeat(40) };
    expect(loadConfig(secret).trustedProxies).toBeNull();
    const trusted = loadConfig({ ...secret, STASH_TRUSTED_PROXIES: '10.0.0.0/8, ::1' }).trustedProxies;
    expect(trusted?.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(trusted?.check('11.0.0.1', 'ipv4')).toBe(false);
    expect(() => loadConfig({ ...secret, STASH_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/10\.0\.0\.0\/33/);
  });

  it('refuses to start without a real SESSION_SECRET whatever NODE_ENV says, unless STASH_DEV=1', () => {
    for (const NODE_ENV of ['production', 'development', 'test', undefined]) {
      expect(() => loadConfig({ NODE_ENV })).toThrow(/SESSION_SECRET is required/);
    }
    expect(() => loadConfig({ SESSION_SECRET: 'stash-dev-only-session-secret-change-me-please' })).toThrow(
      /published/,
    );
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/32/);
    expect(loadConfig({ STASH_DEV: '1' }, () => 'kept-dev-secret-'.repeat(3)).sessionSecret).toBe(
      'kept-dev-secret-'.repeat(3),
    );
  });

  it('keeps the generated development secret across restarts', async () => {
    const { mkdtempSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { devSessionSecret } = await import('../src/dev-secret');
    const dir = mkdtempSync(`${tmpdir()}/stash-secret-`);
    const first = devSessionSecret(dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(devSessionSecret(dir)).toBe(first);
    expect(statSync(`${dir}/session-secret`).mode & 0o777).toBe(0o600);
    expect(devSessionSecret(mkdtempSync(`${tmpdir()}/stash-secret-`))).not.toBe(first);
  });

  it('honours the cache-mode header only for admins', async () => {
    const { api, ctx } = await h.as(null);
    await api.auth.signIn({ email: ADA, password: DEMO_PASSWORD });
    const headers = { cookie: cookieFrom(ctx.resHeaders), 'x-stash-cache-mode': 'bypass' };
    const admin = await createContextFromRequest(
      h.deps,
      new Request('http://l/', { headers }),
      new Headers(),
    );
    expect(admin.cacheMode).toBe('bypass');
    const anon = await createContextFromRequest(
      h.deps,
      new Request('http://l/', { headers: { 'x-stash-cache-mode': 'bypass' } }),
      new Headers(),
    );
    expect(anon.cacheMode).toBe('normal');
  });

  it('signs out by clearing the cookie', async () => {
    const { api, ctx } = await h.as(ADA);
    await api.auth.signOut();
    expect(ctx.resHeaders.get('set-cookie')).toMatch(/Max-Age=0/);
  });
});
