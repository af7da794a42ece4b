/**
 * Where a stored response comes from: built only from fresh parts read from Redis (never from
 * this instance's L1, which may not have heard an invalidation yet), then kept in L1 only for
 * procedures that are (marketplace lists).
 */
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheRegistry } from '../src/cache-registry';
import { handleTrpcRequest } from '../src/http';
import { sharedFreshness } from '../src/http-caching';
import { createHarness, type Harness } from './support/harness';
import { TRPC_BASE as base, trpcGet } from './support/http';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ l1: { maxEntries: 1000, maxBytes: 10_000_000 } });
});
afterAll(async () => {
  await h?.close();
});

const stats = (namespace: string) => h.cache.stats().perNamespace[namespace];

describe('stored responses and the tiers', () => {
  it('builds a list’s response from Redis even when L1 holds its parts, then serves it from L1', async () => {
    const search = { query: '', limit: 7 };
    // Warm L1 through the normal path: a batch of two calls is never stored.
    const input = encodeURIComponent(
      JSON.stringify({ 0: superjson.serialize(search), 1: superjson.serialize(undefined) }),
    );
    const batchUrl = `${base}/marketplace.search,marketplace.categories?batch=1&input=${input}`;
    for (let i = 0; i < 2; i++) await handleTrpcRequest(new Request(batchUrl), h.deps);
    expect(stats('marketplace.search')?.l1Hits).toBeGreaterThan(0);
    expect(stats('live.agentInstallCount')?.l1Hits).toBeGreaterThan(0);
    const l1Before = stats('marketplace.search')?.l1Hits;
    const countsL1Before = stats('live.agentInstallCount')?.l1Hits;
    const l2Before = stats('marketplace.search')?.l2Hits ?? 0;

    const miss = await trpcGet(h, 'marketplace.search', search);
    expect(miss.headers.get('cache-status')).toBe('stash; fwd=miss; stored');
    expect(stats('marketplace.search')?.l1Hits).toBe(l1Before);
    expect(stats('live.agentInstallCount')?.l1Hits).toBe(countsL1Before);
    expect(stats('marketplace.search')?.l2Hits).toBe(l2Before + 1);

    const hit = await trpcGet(h, 'marketplace.search', search);
    expect(hit.headers.get('cache-status')).toMatch(/^stash; hit/);
    expect(stats('http.response')?.l1Hits).toBe(1);
  });

  it('keeps an exact read’s response out of L1', async () => {
    const agent = await h.db.prisma.agent.findFirstOrThrow();
    for (let i = 0; i < 3; i++) await trpcGet(h, 'marketplace.agent', { id: agent.id });
    const response = stats('http.response');
    expect(response?.l2Hits).toBeGreaterThanOrEqual(2);
    expect(response?.l1Hits).toBe(1); // the list's, from the test above
  });

  it('does not share or store an answer built from a part that was not fresh', () => {
    const part = { path: 'marketplace.search', batchIndex: 0, tags: ['marketplace:lists'] };
    // The app's rule for which tags a write changes, with no grace (graceMs 0 below).
    const noGrace = {
      policyAt: () => undefined,
      changesOnWrite: (tag: string) => cacheRegistry.changesOnWrite(tag),
    };
    const now = Date.now();
    expect(sharedFreshness([{ ...part, status: 'stale' }], noGrace)).toBeNull();
    expect(sharedFreshness([{ ...part, status: 'miss' }], noGrace)).toBeNull(); // not stored
    expect(sharedFreshness([{ ...part, status: 'error', freshUntil: now }], noGrace)).toBeNull();
    expect(sharedFreshness([{ ...part, status: 'hit', freshUntil: now }], noGrace)).toEqual({
      freshUntil: now,
      changesOnWrite: false,
      graceMs: 0,
    });
  });
});
