/**
 * cdn/stash.vcl and the Varnish adapter against a real varnishd (started per file, on a spare
 * port, by @stash/harness) in front of a small backend that tags its answers the way the app will
 * (wire.ts `tagHeader`). Needs varnishd and vmod_xkey: apt-get install varnish varnish-modules.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startVarnish, type Varnish } from '@stash/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_HEADER_FORMATS } from '../src/formats';
import { varnishPurger } from '../src/varnish';
import { tagHeader } from '../src/wire';

const TAGS: Record<string, string[]> = {
  '/public/a': ['agent:1', 'templates:category:Data Science'],
  '/public/b': ['agent:2'],
};
const PUBLIC = 'public, max-age=0, s-maxage=60, stale-while-revalidate=0';

let backend: Server;
let varnish: Varnish;
const served = new Map<string, number>();
const cookiesSeen: (string | undefined)[] = [];

beforeAll(async () => {
  backend = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    served.set(path, (served.get(path) ?? 0) + 1);
    cookiesSeen.push(req.headers.cookie);
    // The first request of each /flaky path dies without an answer (an instance killed mid-request).
    if (path.startsWith('/flaky') && served.get(path) === 1) {
      req.socket.destroy();
      return;
    }
    // A new connection per fetch: Varnish itself refetches once on a reused connection that
    // died, which is not what the VCL's retry is for (a fresh connection to a killed instance).
    res.setHeader('connection', 'close');
    const tags = TAGS[path] ?? ['agent:3'];
    const header = tagHeader(tags, TAG_HEADER_FORMATS.varnish);
    if (header.fits) res.setHeader(header.name, header.value);
    if (path === '/private') res.setHeader('cache-control', 'private, no-store');
    else if (path === '/no-lifetime') res.setHeader('cache-control', 'public');
    else if (path === '/short') res.setHeader('cache-control', 'public, s-maxage=1');
    else res.setHeader('cache-control', PUBLIC);
    res.setHeader('cache-status', 'stash; fwd=miss; stored');
    res.end(`${path} #${served.get(path)}`);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const { port } = backend.address() as AddressInfo;
  varnish = await startVarnish({ backend: `http://127.0.0.1:${port}` });
});

afterAll(async () => {
  await varnish?.stop();
  await new Promise((resolve) => backend?.close(resolve));
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${varnish.url}${path}`, { headers });
  return {
    status: res.status,
    body: await res.text(),
    cache: res.headers.get('cache-status'),
    headers: res.headers,
  };
}

/**
 * A request with node:http: fetch refuses TRACE and cannot choose its source address (127.0.0.2
 * is loopback too, but not in the ACL, which lists 127.0.0.1 and ::1).
 */
function raw(method: string, headers: Record<string, string>, from = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${varnish.url}/public/a`, { method, headers, localAddress: from }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cdn/stash.vcl in varnishd', () => {
  it('tries a GET once more when the app dropped it without an answer, never a POST', async () => {
    const read = await get('/flaky/get');
    expect(read.status).toBe(200);
    expect(read.body).toBe('/flaky/get #2');
    const write = await fetch(`${varnish.url}/flaky/post`, { method: 'POST', body: 'x' });
    await write.text();
    expect(write.status).toBe(503);
    expect(served.get('/flaky/post')).toBe(1);
  });

  it('stores a public answer by its URL and serves it again without asking the app', async () => {
    const first = await get('/public/a');
    expect(first.body).toBe('/public/a #1');
    // RFC 9211: the app's entry first, Varnish's appended.
    expect(first.cache).toBe('stash; fwd=miss; stored, varnish; fwd=miss; stored');
    const second = await get('/public/a');
    expect(second.body).toBe('/public/a #1');
    expect(second.cache).toContain('varnish; hit');
    // The keys are for purging, not for clients.
    expect(second.headers.get('xkey')).toBeNull();
    // Another query string is another object.
    expect((await get('/public/a?x=1')).body).toBe('/public/a #2');
  });

  it('purges by tag: the tagged answer misses, an answer without the tag stays a hit', async () => {
    await get('/public/a');
    await get('/public/b');
    expect((await get('/public/b')).cache).toContain('varnish; hit');
    const before = served.get('/public/a') ?? 0;

    await varnishPurger({ urls: [varnish.url] }).purge(['agent:1']);

    const after = await get('/public/a');
    expect(after.cache).toContain('varnish; fwd=miss; stored');
    expect(served.get('/public/a')).toBe(before + 1);
    expect((await get('/public/b')).cache).toContain('varnish; hit');
  });

  it('purges by a tag that went on the wire hashed (a space in it)', async () => {
    await get('/public/a');
    expect((await get('/public/a')).cache).toContain('varnish; hit');
    await varnishPurger({ urls: [varnish.url] }).purge(['templates:category:Data Science']);
    expect((await get('/public/a')).cache).toContain('varnish; fwd=miss');
  });

  it('refuses a purge from an address outside the ACL with 405, and purges nothing', async () => {
    await get('/public/b');
    expect(await raw('PURGE', { 'xkey-purge': 'agent:2' }, '127.0.0.2')).toBe(405);
    expect((await get('/public/b')).cache).toContain('varnish; hit');
  });

  it('refuses methods the app does not answer with 405, and a purge without keys with 400', async () => {
    for (const method of ['TRACE', 'BAN', 'FOO']) {
      expect(await raw(method, {}), method).toBe(405);
    }
    expect(await raw('PURGE', {})).toBe(400);
  });

  it('passes signed-in requests, Authorization and writes to the app; other cookies do not split the cache', async () => {
    await get('/public/b');
    const signedIn = await get('/public/b', { cookie: 'theme=dark; stash_session=abc' });
    expect(signedIn.cache).toContain('varnish; fwd=bypass');
    expect((await get('/public/b', { authorization: 'Bearer x' })).cache).toContain('varnish; fwd=bypass');
    expect((await get('/public/b', { cookie: 'theme=dark' })).cache).toContain('varnish; hit');
    // A shared fetch carries no visitor's cookies to the app.
    cookiesSeen.length = 0;
    await get('/public/b?fresh', { cookie: 'theme=dark' });
    expect(cookiesSeen).toEqual([undefined]);
    const post = await fetch(`${varnish.url}/public/b`, { method: 'POST', body: '{}' });
    expect(post.headers.get('cache-status')).toContain('varnish; fwd=method');
  });

  it('never stores a private answer, nor a public one without an explicit lifetime', async () => {
    for (const path of ['/private', '/no-lifetime']) {
      await get(path);
      const again = await get(path);
      expect(again.cache, path).not.toContain('varnish; hit');
      expect(served.get(path), path).toBe(2);
    }
  });

  it('serves nothing past its s-maxage when the app allows no stale-while-revalidate', async () => {
    expect((await get('/short')).body).toBe('/short #1');
    expect((await get('/short')).body).toBe('/short #1');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Varnish's default grace (10 s) would answer #1 here and refetch in the background.
    expect((await get('/short')).body).toBe('/short #2');
  });

  it('names a node the adapter could not purge, and still purges the others', async () => {
    await get('/public/b');
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const downUrl = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
    await new Promise((resolve) => down.close(resolve));

    const error = (await varnishPurger({ urls: [downUrl, varnish.url] })
      .purge(['agent:2'])
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(
      `varnish purge failed on 1 of 2 nodes: varnish purge, batch 1 of 1 (1 keys): PURGE ${downUrl}/ failed: connect ECONNREFUSED`,
    );
    expect((await get('/public/b')).cache).toContain('varnish; fwd=miss');
  });
});
