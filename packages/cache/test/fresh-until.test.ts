/**
 * `FetchResult.freshUntil`: how long the answer stays fresh, so a caller can build something no
 * fresher than its parts (the API's stored HTTP responses take their lifetime from it). The same
 * instant on a miss, an L1 hit and a Redis hit; absent when nothing fresh was cached.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCacheKey, type Cache, createCache } from '../src/index';
import { memoryLogger, type RedisProcess, startRedis, uniquePrefix } from './support/redis';

let server: RedisProcess;
const caches: Cache[] = [];
beforeAll(async () => {
  server = await startRedis();
});
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});
afterAll(async () => {
  await server?.stop();
});

async function engine(kind: 'redis' | 'l1' | 'memory') {
  const prefix = uniquePrefix('fresh');
  const cache = createCache({
    prefix,
    ...(kind === 'memory' ? {} : { redis: server.url }),
    l1: kind === 'redis' ? false : { maxEntries: 100, maxBytes: 1_000_000 },
    logger: memoryLogger(),
  });
  caches.push(cache);
  await cache.ready();
  const key = buildCacheKey({ prefix, version: 'v1', path: 'fresh.test', scope: 'public', input: 1 });
  return { cache, key };
}

const options = { ttlMs: 60_000, jitter: 0, tags: ['t:1'] };

describe.each(['redis', 'l1', 'memory'] as const)('freshUntil (%s)', (kind) => {
  it('is the stored entry’s freshness on the miss and on every later hit', async () => {
    const { cache, key } = await engine(kind);
    const before = Date.now();
    const miss = await cache.fetch(key, () => 'v', options);
    expect(miss.status).toBe('miss');
    expect(miss.freshUntil).toBeGreaterThanOrEqual(before + options.ttlMs);
    const hit = await cache.fetch(key, () => 'other', options);
    expect(hit.status).toBe('hit');
    expect(hit.freshUntil).toBe(miss.freshUntil);
    const again = await cache.fetch(key, () => 'other', options);
    expect(again.freshUntil).toBe(miss.freshUntil);
  });

  it('is absent when the value was not cached (skip, bypass)', async () => {
    const { cache, key } = await engine(kind);
    const skipped = await cache.fetch(
      key,
      (ctx) => {
        ctx.skip();
        return 'v';
      },
      options,
    );
    expect(skipped.freshUntil).toBeUndefined();
    const bypassed = await cache.fetch(key, () => 'v', { ...options, mode: 'bypass' });
    expect(bypassed.freshUntil).toBeUndefined();
  });

  it('follows a TTL the loader chose', async () => {
    const { cache, key } = await engine(kind);
    const before = Date.now();
    const miss = await cache.fetch(
      key,
      (ctx) => {
        ctx.setTtl(5_000);
        return 'v';
      },
      options,
    );
    expect(miss.freshUntil).toBeGreaterThanOrEqual(before + 5_000);
    expect(miss.freshUntil).toBeLessThan(before + options.ttlMs);
  });
});
