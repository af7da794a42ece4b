/**
 * Redis evicting under memory pressure, for every eviction policy: no read may return a value
 * from before an invalidation. Each case fills a throw-away Redis far past `maxmemory` after the
 * invalidation, then reads every invalidated key. The supported policies are the ones where this
 * holds with Redis in use; under `allkeys-*` (marks can be evicted) the engine refuses Redis.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCacheKey, type Cache, createCache } from '../src/index';
import { memoryLogger, type RedisProcess, startRedis, uniquePrefix } from './support/redis';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ENTRIES = 300;

async function staleReadsUnderPressure(
  policy: string,
  unsafeEviction?: 'warn',
): Promise<{ stale: number; hits: number; evicted: number }> {
  const server: RedisProcess = await startRedis(['--maxmemory', '4mb', '--maxmemory-policy', policy]);
  cleanups.push(() => server.stop());
  const admin = new Redis(server.url);
  cleanups.push(() => admin.quit());
  const prefix = uniquePrefix('evict');
  const cache: Cache = createCache({
    prefix,
    redis: server.url,
    l1: false,
    logger: memoryLogger(),
    ...(unsafeEviction ? { unsafeEviction } : {}),
  });
  cleanups.push(() => cache.close());
  await cache.ready();
  const key = (i: number) =>
    buildCacheKey({ prefix, version: 'v1', path: 'agents.list', scope: 'public', input: i });
  const tag = (i: number) => `item:${i}`;
  for (let i = 0; i < ENTRIES; i++)
    await cache.fetch(key(i), () => 'old', { ttlMs: 600_000, tags: [tag(i)] });
  // Delivered (or, with Redis refused, vacuously: nothing in it is ever read).
  expect(await cache.invalidateTags(Array.from({ length: ENTRIES }, (_, i) => tag(i)))).toBe(true);
  // 16 MB of keys with a TTL, like other entries arriving, into a 4 MB Redis.
  const filler = 'x'.repeat(1024);
  for (let batch = 0; batch < 32; batch++) {
    const pipeline = admin.pipeline();
    for (let i = 0; i < 500; i++) pipeline.set(`${prefix}:filler:${batch}:${i}`, filler, 'PX', 600_000);
    await pipeline.exec(); // under noeviction these fail with OOM: that is the pressure
  }
  let stale = 0;
  let hits = 0;
  for (let i = 0; i < ENTRIES; i++) {
    const read = await cache.fetch(key(i), () => 'new', { ttlMs: 600_000, tags: [tag(i)] });
    if (read.value === 'old') stale++;
    if (read.status === 'hit') hits++;
  }
  const info = await admin.info('stats');
  const evicted = Number(/evicted_keys:(\d+)/.exec(info)?.[1] ?? 0);
  return { stale, hits, evicted };
}

describe('eviction under memory pressure', () => {
  for (const policy of ['noeviction', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy}: no read returns a value from before its invalidation`, async () => {
      const { stale, evicted } = await staleReadsUnderPressure(policy);
      expect(stale).toBe(0);
      if (policy !== 'noeviction') expect(evicted).toBeGreaterThan(0); // the pressure was real
    });
  }

  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
    it(`${policy}: refused by default, so every read comes from the loader and none is stale`, async () => {
      const { stale, hits } = await staleReadsUnderPressure(policy);
      expect(stale).toBe(0);
      expect(hits).toBe(0);
    });
  }

  it('allkeys-lru with unsafeEviction "warn": Redis is used (and may lose marks: not supported)', async () => {
    const { evicted } = await staleReadsUnderPressure('allkeys-lru', 'warn');
    expect(evicted).toBeGreaterThan(0);
  });
});

describe('tag marks', () => {
  it('outlive every entry they guard: pruned only once the longest entry lifetime has passed', async () => {
    const server = await startRedis();
    cleanups.push(() => server.stop());
    const prefix = uniquePrefix('marks');
    const cache = createCache({
      prefix,
      redis: server.url,
      l1: false,
      maxLifetimeMs: 1000,
      logger: memoryLogger(),
    });
    cleanups.push(() => cache.close());
    await cache.ready();
    const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.list', scope: 'public', input: 'a' });
    const options = { ttlMs: 1000, tags: ['agent:1'], jitter: 0 };
    await cache.fetch(key, () => 'old', options); // lives 1000 ms at most
    await cache.invalidateTags(['agent:1']);
    const invalidatedAt = Date.now();
    // Reads that do not store what they load leave the old entry in Redis until it expires, so
    // every read judges it against the mark; another tag's invalidations prune old marks meanwhile.
    const seen = new Set<string>();
    while (Date.now() - invalidatedAt < 1200) {
      await cache.invalidateTags(['agent:2']);
      const read = await cache.fetch(
        key,
        (ctx) => {
          ctx.skip();
          return 'new';
        },
        options,
      );
      seen.add(read.value);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect([...seen]).toEqual(['new']);
  });
});
