/** Redis trouble never becomes user trouble: a throw-away redis-server killed and restarted. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCacheKey, type CacheEvent, type CacheOptions, createCache } from '../src/index';
import { memoryLogger, type RedisProcess, sleep, startRedis, uniquePrefix } from './support/redis';

const TIMEOUT_MS = 500;

let server: RedisProcess;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});

/** A Redis-only engine on the throw-away server. */
const redisOnly = (prefix: string, overrides: Partial<CacheOptions> = {}) =>
  createCache({
    prefix,
    redis: server.url,
    l1: false,
    timeoutMs: TIMEOUT_MS,
    logger: memoryLogger(),
    ...overrides,
  });

describe('failure handling', () => {
  it('serves the loader within the timeout while redis is dead, opens and later closes the breaker', async () => {
    const logger = memoryLogger();
    const prefix = uniquePrefix('fail');
    const cache = createCache({
      prefix,
      redis: server.url,
      l1: { maxEntries: 100, maxBytes: 1_000_000 },
      timeoutMs: TIMEOUT_MS,
      breaker: { failureThreshold: 3, resetAfterMs: 300 },
      logger,
    });
    const events: CacheEvent[] = [];
    cache.onEvent((e) => events.push(e));
    try {
      await cache.ready();
      const key = buildCacheKey({
        prefix,
        version: 'v1',
        path: 'agents.get',
        scope: 'public',
        input: { id: 1 },
      });
      let runs = 0;
      const loader = async () => ({ runs: ++runs });
      const options = { ttlMs: 60_000, tags: ['agent:1'] };
      expect((await cache.fetch(key, loader, options)).status).toBe('miss');
      expect((await cache.fetch(key, loader, options)).status).toBe('hit');

      await server.kill();
      // Once the engine notices (bus connection closed), L1 is cleared and bypassed.
      await vi.waitFor(() => expect(logger.lines.some((l) => l.msg.includes('bus down'))).toBe(true));
      for (let i = 0; i < 25; i++) {
        const before = runs;
        const result = await cache.fetch(key, loader, options);
        expect(result).toMatchObject({ status: 'error', tier: 'loader', value: { runs: before + 1 } });
        await sleep(20);
      }
      // Not delivered, and said so (the API's outbox retries it); never thrown.
      expect(await cache.invalidateTags(['agent:1'])).toBe(false);
      expect(events).toContainEqual(expect.objectContaining({ type: 'breaker', state: 'open' }));
      expect(cache.stats().perNamespace['agents.get']?.errors).toBeGreaterThanOrEqual(25);

      await server.start();
      // Caching resumes: a miss stores again, then a hit comes back.
      await vi.waitFor(async () => expect((await cache.fetch(key, loader, options)).status).toBe('hit'), {
        timeout: 15_000,
        interval: 100,
      });
      expect(cache.stats().breaker).toBe('closed');
      expect(events).toContainEqual(expect.objectContaining({ type: 'breaker', state: 'closed' }));
      // Logged once per state change, not once per failed call.
      const transitions = events.filter((e) => e.type === 'breaker').length;
      const breakerLogs = logger.lines.filter((l) => l.msg.includes('breaker')).length;
      expect(breakerLogs).toBe(transitions);
      expect(breakerLogs).toBeLessThan(15);
    } finally {
      await cache.close();
    }
  });

  it('bounds every call by the timeout when redis is alive but stuck', async () => {
    const prefix = uniquePrefix('stuck');
    const cache = redisOnly(prefix, { breaker: { failureThreshold: 100, resetAfterMs: 300 } });
    const admin = new Redis(server.url);
    admin.on('error', () => {});
    try {
      await cache.ready();
      const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.get', scope: 'public', input: 2 });
      await cache.fetch(key, () => 'cached', { ttlMs: 60_000 });
      await admin.client('PAUSE', 1000, 'ALL');
      const calls = await Promise.all(
        Array.from({ length: 10 }, () => cache.fetch(key, () => 'loader', { ttlMs: 60_000 })),
      );
      // Every caller got the loader's answer while Redis was stuck (how fast: pnpm bench).
      for (const result of calls) expect(result).toMatchObject({ value: 'loader', status: 'error' });
      await vi.waitFor(
        async () => expect((await cache.fetch(key, () => 'x', { ttlMs: 60_000 })).value).toBe('cached'),
        {
          timeout: 5_000,
        },
      );
    } finally {
      await admin.quit();
      await cache.close();
    }
  });

  it('writes, reads and invalidates as before after Redis forgot its scripts (SCRIPT FLUSH)', async () => {
    const prefix = uniquePrefix('noscript');
    const cache = redisOnly(prefix);
    const admin = new Redis(server.url);
    try {
      await cache.ready();
      const key = (input: number) =>
        buildCacheKey({ prefix, version: 'v1', path: 'agents.get', scope: 'public', input });
      const options = { ttlMs: 60_000, tags: ['agent:1'] };
      await cache.fetch(key(1), () => 'one', options); // every script has run once
      await admin.script('FLUSH');
      // The write's commit script goes out right behind the staging SET: it must still land.
      expect(await cache.fetch(key(2), () => 'two', options)).toMatchObject({ status: 'miss' });
      expect(await cache.fetch(key(2), () => 'loader', options)).toMatchObject({
        value: 'two',
        status: 'hit',
      });
      await admin.script('FLUSH');
      // So does the invalidation's marking script (pipelined with SMEMBERS and PUBLISH).
      expect(await cache.invalidateTags(['agent:1'])).toBe(true);
      expect(await cache.fetch(key(2), () => 'new', options)).toMatchObject({ value: 'new', status: 'miss' });
    } finally {
      await admin.quit();
      await cache.close();
    }
  });
});
