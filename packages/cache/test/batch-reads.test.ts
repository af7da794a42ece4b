/**
 * `batchReads`: the calls of a key made in one event-loop turn share one hit-shaped read, sent
 * after all of them started; a call never takes an answer read before it started. Everything
 * that is not a fresh hit goes on to the shared flight, so read-your-writes across instances and
 * the loader's de-duplication hold as for any other fetch.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CacheEngine } from '../src/cache';
import { buildCacheKey, createCache } from '../src/index';
import { countedHeldLoader, heldLoader } from './support/gate';
import { memoryLogger, type RedisProcess, startRedis, uniquePrefix } from './support/redis';
import { pair } from './support/two-instances';

const BATCH = { ttlMs: 60_000, tags: ['agent:1'], l1: false, batchReads: true };
const ALONE = { ...BATCH, batchReads: false };
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchReads', () => {
  it('answers the calls of one turn from one read, and a call after it was sent from a read of its own', async () => {
    const { a, key } = await pair({ l1: false });
    await a.fetch(key('hot'), async () => 'stored', ALONE);
    const client = (a as CacheEngine).redisClient as Redis;
    const reads = vi.spyOn(client, 'mget');
    const calls = Array.from({ length: 5 }, () => a.fetch(key('hot'), async () => 'loaded', BATCH));
    await turn(); // the batch's read is sent now
    const later = a.fetch(key('hot'), async () => 'loaded', BATCH);
    const results = await Promise.all([...calls, later]);
    expect(results.map((r) => [r.value, r.status, r.tier])).toEqual(
      Array.from({ length: 6 }, () => ['stored', 'hit', 'l2']),
    );
    expect(reads).toHaveBeenCalledTimes(2);
    reads.mockRestore();
  });

  it('never answers a call with a read sent before a write that returned before the call started', async () => {
    const { a, b, key } = await pair({ l1: false });
    let db = 'old';
    await b.fetch(key('page'), async () => db, ALONE);
    const first = b.fetch(key('page'), async () => db, BATCH);
    await turn(); // its read is on the way
    db = 'new';
    await a.invalidateTags(['agent:1']); // A's mutation returns here
    const late = b.fetch(key('page'), async () => db, BATCH);
    expect((await first).value).toBe('old'); // began before the write: either answer is right
    expect((await late).value).toBe('new');
  });

  it('gets the value from after a write on another instance that returned before it started, though a fill from before runs here', async () => {
    const { a, b, key } = await pair({ l1: false });
    let db = 'old';
    const { loader, started, release } = heldLoader(() => db);
    const early = b.fetch(key('joined'), loader, BATCH);
    await started; // B's fill has read the database: it holds 'old'
    db = 'new';
    await a.invalidateTags(['agent:1']); // A's mutation returns here
    const client = (b as CacheEngine).redisClient as Redis;
    const reads = vi.spyOn(client, 'mget');
    const late = b.fetch(key('joined'), async () => db, BATCH);
    // Its batch's read found no entry and it went on to the flights while the fill still runs.
    await vi.waitFor(() => expect(reads).toHaveBeenCalled());
    await reads.mock.results[0]?.value;
    await turn();
    reads.mockRestore();
    release();
    expect((await early).value).toBe('old'); // began before the write: either answer is right
    expect((await late).value).toBe('new');
  });

  describe('with redis down', () => {
    let server: RedisProcess;
    beforeAll(async () => {
      server = await startRedis();
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('runs the loader once for the calls whose reads failed together, status error', async () => {
      const prefix = uniquePrefix('batch-down');
      const cache = createCache({
        prefix,
        redis: server.url,
        l1: false,
        timeoutMs: 500,
        breaker: { failureThreshold: 1, resetAfterMs: 60_000 },
        logger: memoryLogger(),
      });
      try {
        await cache.ready();
        const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.get', scope: 'public', input: 1 });
        expect((await cache.fetch(key, async () => 'stored', BATCH)).status).toBe('miss');
        await server.kill();
        // Until the breaker opens, a read fails however the connection's loss shows.
        await vi.waitFor(async () =>
          expect((await cache.fetch(key, async () => 'x', BATCH)).status).toBe('error'),
        );
        const { loader, starts, release } = countedHeldLoader(() => 'loaded');
        const calls = Array.from({ length: 5 }, () => cache.fetch(key, loader, BATCH));
        // The breaker refuses the batch's read: its calls have all moved on two turns later.
        await turn();
        await turn();
        expect(starts()).toBe(1);
        release();
        const results = await Promise.all(calls);
        expect(results.map((r) => [r.value, r.status])).toEqual(
          Array.from({ length: 5 }, () => ['loaded', 'error']),
        );
        expect(starts()).toBe(1);
      } finally {
        await cache.close();
      }
    });
  });
});
