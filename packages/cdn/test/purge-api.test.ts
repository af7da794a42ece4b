/**
 * The Fastly and Cloudflare adapters against a local server that records what it receives (not
 * the real services: the request shapes are the documented ones, docs/cdn.md).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cloudflarePurger } from '../src/cloudflare';
import { fastlyPurger } from '../src/fastly';
import { PurgeError } from '../src/http';
import { wireKey } from '../src/wire';
import { type Recorder, startRecorder } from './recorder';

let api: Recorder;
beforeAll(async () => {
  api = await startRecorder();
});
afterAll(() => api.close());
afterEach(() => {
  api.requests.length = 0;
  api.answer(() => ({ status: 200, body: '{"success":true}' }));
});

const manyTags = (n: number) => Array.from({ length: n }, (_, i) => `agent:${i}`);

describe('fastly', () => {
  const purger = () =>
    fastlyPurger({ serviceId: 'SU1Z0isxPaozGVKXdv0eY', token: 'fastly-secret', baseUrl: api.url });

  it('POSTs /service/{id}/purge with the keys in Surrogate-Key and the token in Fastly-Key', async () => {
    await purger().purge(['agent:1', 'templates:category:Data Science']);
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/service/SU1Z0isxPaozGVKXdv0eY/purge' });
    expect(request?.headers['fastly-key']).toBe('fastly-secret');
    expect(request?.headers['surrogate-key']).toBe(`agent:1 ${wireKey('templates:category:Data Science')}`);
  });

  it('sends at most 256 keys per request, every key once', async () => {
    await purger().purge(manyTags(600));
    expect(api.requests.map((r) => String(r.headers['surrogate-key']).split(' ').length)).toEqual([
      256, 256, 88,
    ]);
    const sent = api.requests.flatMap((r) => String(r.headers['surrogate-key']).split(' '));
    expect(sent).toEqual(manyTags(600));
  });

  it('sends nothing for no tags', async () => {
    await purger().purge([]);
    expect(api.requests).toHaveLength(0);
  });

  it('says which batch failed, with the status and body, and never the token', async () => {
    api.answer(() =>
      api.requests.length === 2
        ? { status: 403, body: '{"msg":"Provided credentials are missing or invalid"}' }
        : { status: 200, body: '{}' },
    );
    const error = await purger()
      .purge(manyTags(600))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PurgeError);
    const message = (error as Error).message;
    expect(message).toContain('fastly purge, batch 2 of 3 (256 keys)');
    expect(message).toContain('HTTP 403');
    expect(message).toContain('credentials are missing');
    expect(message).not.toContain('fastly-secret');
    // It stopped at the failed batch.
    expect(api.requests).toHaveLength(2);
  });

  it('gives up after its timeout and says so', async () => {
    api.answer(() => 'hang');
    const p = fastlyPurger({ serviceId: 's', token: 't', baseUrl: api.url, timeoutMs: 200 }).purge([
      'agent:1',
    ]);
    await expect(p).rejects.toThrow(/timed out after 200 ms/);
  });

  it('names the address it could not reach', async () => {
    const closed = await startRecorder();
    await closed.close();
    const p = fastlyPurger({ serviceId: 's', token: 't', baseUrl: closed.url }).purge(['agent:1']);
    await expect(p).rejects.toThrow(`POST ${closed.url}/service/s/purge failed: connect ECONNREFUSED`);
  });
});

describe('cloudflare', () => {
  const purger = () =>
    cloudflarePurger({
      zoneId: '023e105f4ecef8ad9ca31a8372d0c353',
      token: 'cf-secret',
      baseUrl: `${api.url}/client/v4`,
    });

  it('POSTs /zones/{zone}/purge_cache with {"tags": [...]} and a Bearer token', async () => {
    await purger().purge(['agent:1', 'template:2']);
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache',
    });
    expect(request?.headers.authorization).toBe('Bearer cf-secret');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ tags: ['agent:1', 'template:2'] });
  });

  it('sends at most 100 tags per request (fewer when configured), every tag once', async () => {
    await purger().purge(manyTags(250));
    const sent = api.requests.map((r) => (JSON.parse(r.body) as { tags: string[] }).tags);
    expect(sent.map((t) => t.length)).toEqual([100, 100, 50]);
    expect(sent.flat()).toEqual(manyTags(250));
    api.requests.length = 0;
    await cloudflarePurger({ zoneId: 'z', token: 't', baseUrl: api.url, tagsPerRequest: 30 }).purge(
      manyTags(61),
    );
    expect(api.requests).toHaveLength(3);
  });

  it('treats a 200 with "success": false as a failure and quotes the errors', async () => {
    api.answer(() => ({
      status: 200,
      body: '{"success":false,"errors":[{"code":1134,"message":"Purge by tag is not allowed"}]}',
    }));
    await expect(purger().purge(['agent:1'])).rejects.toThrow(
      /refused: success: false \(1134 Purge by tag is not allowed\)/,
    );
  });

  it('says what a 429 was, and never the token', async () => {
    api.answer(() => ({
      status: 429,
      body: '{"success":false,"errors":[{"code":10000,"message":"rate limited"}]}',
    }));
    const error = (await purger()
      .purge(['agent:1'])
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /cloudflare purge, batch 1 of 1 \(1 tags\): POST .* answered HTTP 429: .*rate limited/,
    );
    expect(error.message).not.toContain('cf-secret');
  });
});
