/**
 * What the HTTP endpoint refuses or hides: internal error text, oversized batches, cross-site
 * and non-JSON mutations (logout CSRF included).
 */
import { DEMO_PASSWORD } from '@stash/db';
import { MAX_BATCH_SIZE } from '@stash/validators';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handleTrpcRequest } from '../src/http';
import { ADA, createHarness, type Harness } from './support/harness';
import {
  TRPC_BASE as base,
  superjsonBody as json,
  signedInCookie as signedInAs,
  trpcGet,
  trpcPost,
} from './support/http';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const call = (req: Request) => handleTrpcRequest(req, h.deps);
const post = (path: string, body: RequestInit['body'], headers: Record<string, string>) =>
  trpcPost(h, path, body, headers);

const signedInCookie = () => signedInAs(h, ADA);

describe('internal errors', () => {
  it('send a generic message with a request id, and the details go to the server log', async () => {
    // A database that lost a table: every templates query now fails inside PostgreSQL.
    await h.db.prisma.$executeRawUnsafe('ALTER TABLE workflow_templates RENAME TO workflow_templates_gone');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await trpcGet(h, 'templates.byId', { id: 1 });
      expect(res.status).toBe(500);
      const requestId = res.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f]{16}$/);
      const text = await res.text();
      expect(text).toContain(`request id ${requestId}`);
      expect(text).not.toMatch(/workflow_templates|prisma|postgres|relation|stack|at /i);
      const logLine = logged.mock.calls.map((args) => args.map(String).join(' ')).join('\n');
      expect(logLine).toContain(requestId);
      expect(logLine).toMatch(/workflow_templates/);
    } finally {
      logged.mockRestore();
      await h.db.prisma.$executeRawUnsafe('ALTER TABLE workflow_templates_gone RENAME TO workflow_templates');
    }
  });
});

describe('batches', () => {
  function batch(size: number) {
    const paths = Array.from({ length: size }, () => 'marketplace.categories').join(',');
    const input = encodeURIComponent(
      JSON.stringify(Object.fromEntries(Array.from({ length: size }, (_, i) => [i, {}]))),
    );
    return call(new Request(`${base}/${paths}?batch=1&input=${input}`));
  }

  it(`accept up to ${MAX_BATCH_SIZE} calls and refuse larger ones with a 400`, async () => {
    expect((await batch(MAX_BATCH_SIZE)).status).toBe(200);
    const tooBig = await batch(MAX_BATCH_SIZE + 1);
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toMatch(/batch/i);
  });
});

describe('mutations from another site', () => {
  it('refuse a cross-site form POST to auth.signOut and keep the user signed in', async () => {
    const cookie = await signedInCookie();
    const form = new FormData();
    form.set('x', '1');
    const attempts: Record<string, string>[] = [
      { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { cookie, origin: 'https://evil.example' },
      { cookie, 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of attempts) {
      const res = await post('auth.signOut', form, headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toMatch(/Cross-site request refused/);
    }
    const me = await call(new Request(`${base}/auth.me`, { headers: { cookie } }));
    expect(await me.text()).toContain(ADA);
  });

  it('refuse a same-origin POST that is not JSON (what an HTML form can send)', async () => {
    const cookie = await signedInCookie();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', null]) {
      const res = await post('auth.signOut', 'x=1', { cookie, ...(type ? { 'content-type': type } : {}) });
      expect(res.status).toBe(415);
    }
  });

  it('accept a same-origin JSON POST from the page and from scripts without browser headers', async () => {
    const cookie = await signedInCookie();
    const fromPage = await post('auth.signOut', json(undefined), {
      cookie,
      'content-type': 'application/json',
      origin: 'http://localhost',
      'sec-fetch-site': 'same-origin',
    });
    expect(fromPage.status).toBe(200);
    expect(fromPage.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const fromScript = await post('auth.signIn', json({ email: ADA, password: DEMO_PASSWORD }), {
      'content-type': 'application/json',
    });
    expect(fromScript.status).toBe(200);
  });
});
