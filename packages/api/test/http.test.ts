import { DEMO_PASSWORD } from '@stash/db';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleTrpcRequest } from '../src/http';
import { ADA, createHarness, type Harness } from './support/harness';
import { TRPC_BASE as base, trpcGet } from './support/http';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const get = (path: string, input: unknown, cookie?: string) =>
  trpcGet(h, path, input, cookie ? { cookie } : {});

describe('HTTP (fetch adapter)', () => {
  it('says in a header whether a cached call was a hit', async () => {
    const first = await get('marketplace.search', { limit: 3 });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-stash-cache')).toBe('marketplace.search=miss');
    const second = await get('marketplace.search', { limit: 3 });
    expect(second.headers.get('x-stash-cache')).toBe('marketplace.search=hit');
    const body = (await second.json()) as { result: { data: unknown } };
    const page = superjson.deserialize<{ items: { createdAt: Date }[] }>(body.result.data as never);
    // Dates survive the wire (the output transformer writes superjson's document).
    expect(page.items[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('batches calls and reports each one', async () => {
    const input = encodeURIComponent(
      JSON.stringify({ 0: superjson.serialize({ query: 'batch' }), 1: superjson.serialize(undefined) }),
    );
    const res = await handleTrpcRequest(
      new Request(`${base}/marketplace.search,marketplace.categories?batch=1&input=${input}`),
      h.deps,
    );
    expect(res.status).toBe(200);
    const header = res.headers.get('x-stash-cache') ?? '';
    // One report per call of the batch, in no particular order (which outcome depends on the
    // cache, not on batching).
    const reports = header.split(', ').sort();
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatch(/^marketplace\.categories=(miss|hit|stale|error)$/);
    expect(reports[1]).toMatch(/^marketplace\.search=(miss|hit|stale|error)$/);
    const bodies = (await res.json()) as Array<{ result?: { data: unknown } }>;
    expect(bodies).toHaveLength(2);
    expect(bodies.every((b) => b.result !== undefined)).toBe(true);
  });

  it('signs a script in over HTTP and returns BAD_REQUEST with field errors for bad input', async () => {
    const res = await handleTrpcRequest(
      new Request(`${base}/auth.signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { email: ADA, password: DEMO_PASSWORD } }),
      }),
      h.deps,
    );
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const mine = await get('workspaces.mine', undefined, cookie);
    expect(mine.status).toBe(200);
    const anon = await get('workspaces.mine', undefined);
    expect(anon.status).toBe(401);

    const bad = await get('marketplace.search', { limit: 500 });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as {
      error: { json: { data: { zodError: { fieldErrors: Record<string, string[]> } } } };
    };
    expect(body.error.json.data.zodError.fieldErrors.limit?.[0]).toMatch(/50/);
  });
});
