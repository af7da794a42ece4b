/**
 * A procedure path whose %-escapes do not decode: Next's router fails on the dynamic segment
 * before any route code runs and answers a bare 500. The proxy (src/proxy.ts) answers it first
 * with the 400 tRPC's own clients read, the one @stash/api gives a plain request.
 */
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { config, proxy } from '../src/proxy';

const request = (path: string) => new NextRequest(new URL(path, 'http://localhost:3000'));

describe('proxy', () => {
  it('answers a malformed escape in the procedure path with a 400 in tRPC error shape', async () => {
    for (const path of [
      '/api/trpc/marketplace.%E0%A4search',
      '/api/trpc/%',
      '/api/trpc/auth.me%zz?input=1',
    ]) {
      const res = proxy(request(path));
      expect(res.status, path).toBe(400);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const body = (await res.json()) as { error: { json: { data: { code: string; httpStatus: number } } } };
      expect(body.error.json.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    }
  });

  it('lets every well-formed path through untouched', () => {
    for (const path of ['/api/trpc/marketplace.search', '/api/trpc/marketplace%2Esearch', '/']) {
      expect(proxy(request(path)).headers.get('x-middleware-next'), path).toBe('1');
    }
  });

  it('runs only for tRPC paths with a % in them (a stored hit never pays for it)', () => {
    const [matcher] = config.matcher;
    expect(matcher).toBe('/api/trpc/:path(.*%.*)');
  });
});
