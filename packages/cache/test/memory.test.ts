/** The memory store as a product feature: the only tier when no Redis URL is configured. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildCacheKey, type Cache, type CacheEvent, createCache } from '../src/index';
import { countedHeldLoader, heldLoader } from './support/gate';
import { memoryLogger, sleep, uniquePrefix } from './support/redis';

const caches: Cache[] = [];
function memoryCache(l1 = { maxEntries: 1000, maxBytes: 10_000_000 }): Cache {
  const cache = createCache({ prefix: uniquePrefix('mem'), l1, logger: memoryLogger() });
  caches.push(cache);
  return cache;
}
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});

const k = (input: unknown, path = 'agents.list') =>
  buildCacheKey({ prefix: 'p', version: 'v1', path, scope: 'public', input });

function counter<T>(make: (n: number) => T) {
  let runs = 0;
  const loader = async () => make(++runs);
  return { loader, runs: () => runs };
}

describe('memory store (no Redis)', () => {
  it('misses once, then hits from memory', async () => {
    const cache = memoryCache();
    const { loader, runs } = counter((n) => ({ n }));
    expect(await cache.fetch(k(1), loader, { ttlMs: 60_000 })).toMatchObject({
      value: { n: 1 },
      status: 'miss',
      tier: 'loader',
    });
    expect(await cache.fetch(k(1), loader, { ttlMs: 60_000 })).toMatchObject({
      value: { n: 1 },
      status: 'hit',
      tier: 'l1',
    });
    expect(await cache.getOrSet(k(2), loader, { ttlMs: 60_000 })).toEqual({ n: 2 });
    expect(runs()).toBe(2);
  });

  it('round-trips Dates, Maps, Sets, BigInt and undefined fields unchanged', async () => {
    const cache = memoryCache();
    const value = {
      at: new Date('2024-02-29T12:34:56.789Z'),
      byId: new Map<string, bigint>([['a', 12345678901234567890n]]),
      set: new Set(['x']),
      missing: undefined,
      nested: [{ when: new Date(0), big: -1n }],
    };
    await cache.fetch(k('types'), () => value, { ttlMs: 60_000 });
    const hit = await cache.fetch(k('types'), () => null, { ttlMs: 60_000 });
    expect(hit.status).toBe('hit');
    expect(hit.value).toEqual(value);
    expect(hit.value).not.toBe(value); // a copy: callers cannot mutate the cached entry
    expect(Object.hasOwn(Object(hit.value), 'missing')).toBe(true);
  });

  it('expires after the TTL', async () => {
    const cache = memoryCache();
    const { loader, runs } = counter((n) => n);
    await cache.fetch(k('ttl'), loader, { ttlMs: 60, jitter: 0 });
    await sleep(120);
    expect(await cache.fetch(k('ttl'), loader, { ttlMs: 60, jitter: 0 })).toMatchObject({
      value: 2,
      status: 'miss',
    });
    expect(runs()).toBe(2);
  });

  it('serves stale within grace and refreshes exactly once in the background', async () => {
    const cache = memoryCache();
    const { loader, runs } = counter((n) => n);
    const options = { ttlMs: 50, graceMs: 60_000, jitter: 0 };
    await cache.fetch(k('grace'), loader, options);
    await sleep(100);
    const reads = await Promise.all(
      Array.from({ length: 20 }, () => cache.fetch(k('grace'), loader, options)),
    );
    expect(reads.every((r) => r.status === 'stale' && r.value === 1)).toBe(true);
    await vi.waitFor(() => expect(runs()).toBe(2));
    expect(await cache.fetch(k('grace'), loader, options)).toMatchObject({ value: 2, status: 'hit' });
    expect(runs()).toBe(2);
  });

  it('runs the loader once for 200 concurrent calls on a cold key', async () => {
    const cache = memoryCache();
    const { loader, runs } = counter(async (n) => {
      await sleep(20);
      return n;
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => cache.getOrSet(k('cold'), loader, { ttlMs: 60_000 })),
    );
    expect(runs()).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('hard invalidation drops exactly the entries that carry the tag', async () => {
    const cache = memoryCache();
    const { loader, runs } = counter((n) => n);
    await cache.fetch(k('a'), loader, { ttlMs: 60_000, tags: ['agent:1'] });
    await cache.fetch(k('b'), loader, { ttlMs: 60_000, tags: ['agent:2'] });
    await cache.fetch(k('c'), loader, { ttlMs: 60_000, tagsFromValue: () => ['agent:1', 'agent:3'] });
    await cache.invalidateTags(['agent:1']);
    expect((await cache.fetch(k('a'), loader, { ttlMs: 60_000, tags: ['agent:1'] })).status).toBe('miss');
    expect((await cache.fetch(k('b'), loader, { ttlMs: 60_000, tags: ['agent:2'] })).status).toBe('hit');
    expect((await cache.fetch(k('c'), loader, { ttlMs: 60_000 })).status).toBe('miss');
    expect(runs()).toBe(5);
  });

  it('soft invalidation serves the old value once, refreshes once, never drops the entry; a burst of 100 starts no refresh while one is in flight', async () => {
    const cache = memoryCache();
    const { loader, runs } = counter((n) => n);
    const options = { ttlMs: 60_000, tags: ['marketplace:list'] };
    await cache.fetch(k('list'), loader, options);
    await cache.invalidateTags(['marketplace:list'], { soft: true });
    expect(await cache.fetch(k('list'), loader, options)).toMatchObject({ value: 1, status: 'stale' });
    await vi.waitFor(() => expect(runs()).toBe(2));
    expect(await cache.fetch(k('list'), loader, options)).toMatchObject({ value: 2, status: 'hit' });

    // A burst of 100 soft invalidations racing with reads, while the refresh the first one
    // started is held: every read is answered stale, and none starts a second refresh.
    const refresh = countedHeldLoader(loader);
    const held = refresh.loader;
    // One after the other, so each read comes after a new invalidation (concurrent reads of one
    // key would share one flight and never reach the refresh's own single-flight).
    for (let i = 0; i < 100; i++) {
      await cache.invalidateTags(['marketplace:list'], { soft: true });
      expect(await cache.fetch(k('list'), held, options)).toMatchObject({ value: 2, status: 'stale' });
    }
    await vi.waitFor(() => expect(refresh.starts()).toBeGreaterThan(0));
    expect(refresh.starts()).toBe(1);
    refresh.release();
    await vi.waitFor(async () => expect((await cache.fetch(k('list'), held, options)).status).toBe('hit'));
    // The held refresh, and at most one more for the invalidations that came after it began.
    expect(refresh.starts()).toBeLessThanOrEqual(2);
  });

  it('a fill that started before an invalidation does not store its result as fresh', async () => {
    const cache = memoryCache();
    let version = 'old';
    const held = heldLoader(() => version);
    const first = cache.fetch(k('race'), held.loader, { ttlMs: 60_000, tags: ['agent:7'] });
    await held.started; // the fill's loader has read 'old'
    version = 'new'; // the mutation...
    await cache.invalidateTags(['agent:7']); // ...and its invalidation, while the fill is in flight
    held.release();
    expect((await first).value).toBe('old');
    expect(cache.stats().l1?.entries).toBe(0); // refused, not kept around to be judged later
    expect(
      await cache.fetch(k('race'), async () => version, { ttlMs: 60_000, tags: ['agent:7'] }),
    ).toMatchObject({
      value: 'new',
      status: 'miss',
    });
  });

  it('evicts least recently used entries by count and by bytes', async () => {
    const byCount = memoryCache({ maxEntries: 2, maxBytes: 10_000_000 });
    await byCount.fetch(k(1), () => 1, { ttlMs: 60_000 });
    await byCount.fetch(k(2), () => 2, { ttlMs: 60_000 });
    await byCount.fetch(k(1), () => 1, { ttlMs: 60_000 }); // 1 is now most recently used
    await byCount.fetch(k(3), () => 3, { ttlMs: 60_000 });
    expect((await byCount.fetch(k(1), () => 1, { ttlMs: 60_000 })).status).toBe('hit');
    expect((await byCount.fetch(k(2), () => 2, { ttlMs: 60_000 })).status).toBe('miss');
    expect(byCount.stats().l1?.entries).toBe(2);

    const byBytes = memoryCache({ maxEntries: 1000, maxBytes: 5_000 });
    for (let i = 0; i < 10; i++) await byBytes.fetch(k(i), () => 'x'.repeat(1_000), { ttlMs: 60_000 });
    expect(byBytes.stats().l1?.bytes).toBeLessThanOrEqual(5_000);
    expect((await byBytes.fetch(k(9), () => '', { ttlMs: 60_000 })).status).toBe('hit');
    expect((await byBytes.fetch(k(0), () => '', { ttlMs: 60_000 })).status).toBe('miss');

    // A read protects an entry from eviction by bytes too, even far below maxEntries.
    const hot = memoryCache({ maxEntries: 1000, maxBytes: 9_000 });
    for (let i = 0; i < 4; i++) await hot.fetch(k(i), () => 'x'.repeat(1_000), { ttlMs: 60_000 });
    expect((await hot.fetch(k(0), () => '', { ttlMs: 60_000 })).status).toBe('hit');
    await hot.fetch(k(4), () => 'x'.repeat(1_000), { ttlMs: 60_000 });
    expect((await hot.fetch(k(0), () => '', { ttlMs: 60_000 })).status).toBe('hit');
    expect((await hot.fetch(k(1), () => '', { ttlMs: 60_000 })).status).toBe('miss');
  });

  it('supports bypass, refresh and delete, and counts everything per namespace', async () => {
    const cache = memoryCache();
    const events: CacheEvent[] = [];
    cache.onEvent((e) => events.push(e));
    const { loader, runs } = counter((n) => n);
    await cache.fetch(k(1), loader, { ttlMs: 60_000 });
    expect(await cache.fetch(k(1), loader, { ttlMs: 60_000, mode: 'bypass' })).toMatchObject({
      value: 2,
      status: 'bypass',
    });
    expect((await cache.fetch(k(1), loader, { ttlMs: 60_000 })).value).toBe(1);
    expect(await cache.fetch(k(1), loader, { ttlMs: 60_000, mode: 'refresh' })).toMatchObject({
      value: 3,
      status: 'miss',
    });
    expect(await cache.fetch(k(1), loader, { ttlMs: 60_000 })).toMatchObject({ value: 3, status: 'hit' });
    await cache.delete(k(1));
    expect(await cache.fetch(k(1), loader, { ttlMs: 60_000 })).toMatchObject({ value: 4, status: 'miss' });
    expect(runs()).toBe(4);
    const stats = cache.stats().perNamespace['agents.list'];
    expect(stats).toMatchObject({ hits: 2, misses: 3, bypass: 1, loaderRuns: 4, l1Hits: 2 });
    expect(stats?.hitRate).toBeCloseTo(2 / 5);
    expect(events.filter((e) => e.type === 'hit')).toHaveLength(2);
  });

  it('propagates loader errors and caches nothing', async () => {
    const cache = memoryCache();
    await expect(
      cache.fetch(k('boom'), () => Promise.reject(new Error('db down')), { ttlMs: 60_000 }),
    ).rejects.toThrow('db down');
    expect(await cache.fetch(k('boom'), () => 'ok', { ttlMs: 60_000 })).toMatchObject({
      value: 'ok',
      status: 'miss',
    });
  });
});
