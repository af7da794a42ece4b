/**
 * When may the engine trust what Redis (and the bus) tell it? Each test here breaks something on
 * a throw-away redis-server (never the shared one: these pause, flush and kill connections) and
 * asserts what a user would see: never a value from before a write that has returned.
 */

import type { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { buildCacheKey, type CacheOptions, createCache } from '../src/index';
import { heldLoader } from './support/gate';
import { memoryLogger, uniquePrefix } from './support/redis';
import { acceptWrites, refuseWrites } from './support/refuse-writes';
import { useThrowAwayRedis } from './support/throw-away-redis';

const redis = useThrowAwayRedis();

/** Two engines on one prefix; `b` may get options of its own (default: the same as `a`). */
async function pair(overrides: Partial<CacheOptions> = {}, forB: Partial<CacheOptions> = overrides) {
  const prefix = uniquePrefix('trust');
  const make = (options: Partial<CacheOptions>) =>
    createCache({
      prefix,
      redis: redis.server.url,
      l1: { maxEntries: 100, maxBytes: 1_000_000 },
      logger: memoryLogger(),
      bus: { heartbeatMs: 50, deadlineMs: 300 },
      ...options,
    });
  const a = make(overrides);
  const b = make(forB);
  redis.caches.push(a, b);
  await Promise.all([a.ready(), b.ready()]);
  const key = (input: unknown, path = 'agents.get') =>
    buildCacheKey({ prefix, version: 'v1', path, scope: 'public', input });
  return { a, b, key };
}

/** Blocks this process's event loop, as a burst, a GC pause or a synchronous bcrypt does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('trusting Redis and the bus', () => {
  it('does not count a busy event loop against a healthy Redis', async () => {
    const { a, b, key } = await pair(
      { timeoutMs: 20, breaker: { failureThreshold: 2, resetAfterMs: 60_000 } },
      { timeoutMs: 5_000 }, // stores the value: the setup must not depend on this machine's load
    );
    const options = { ttlMs: 60_000, l1: false };
    expect((await b.fetch(key('busy'), () => 'cached', options)).status).toBe('miss');
    for (let i = 0; i < 10; i++) {
      const reading = a.fetch(key('busy'), () => 'loader', options);
      busyFor(100); // the reply arrives while we spin; the timer is due long before we look
      expect(await reading).toMatchObject({ value: 'cached', status: 'hit' });
    }
    expect(a.stats().breaker).toBe('closed');
  });

  it('never stores a fill whose loader ran before a write, when Redis forgot everything meanwhile', async () => {
    const { a, b, key } = await pair();
    let db = 'old';
    const held = heldLoader(() => db);
    const options = { ttlMs: 60_000, tags: ['agent:1'], l1: false };
    const fill = a.fetch(key('forgot'), held.loader, options);
    await held.started; // the loader has read 'old'
    db = 'new';
    expect(await b.invalidateTags(['agent:1'])).toBe(true);
    await redis.admin.flushall(); // Redis restarts empty, loses its counters, fails over...
    held.release();
    expect((await fill).value).toBe('old'); // its caller started before the write: fine
    for (const cache of [a, b])
      expect((await cache.fetch(key('forgot'), () => db, options)).value).toBe('new');
  });

  it('reaches a namespace after a flush even though only another process used it before', async () => {
    const { a, b, key } = await pair({ l1: false });
    let db = 'old';
    const options = { ttlMs: 60_000, tags: ['agent:2'] };
    await a.fetch(key(1, 'only.a'), () => db, options);
    await redis.admin.flushall();
    await a.fetch(key(1, 'only.a'), () => db, options); // re-cached after the flush
    db = 'new';
    await b.invalidateTags(['agent:2']); // b never read only.a itself
    expect((await a.fetch(key(1, 'only.a'), () => db, options)).value).toBe('new');
  });

  it('distrusts every entry after reconnecting, in case the server lost an invalidation', async () => {
    const { a, b, key } = await pair({ l1: false });
    let db = 'old';
    const options = { ttlMs: 60_000, tags: ['agent:3'] };
    await a.fetch(key('lost'), () => db, options);
    db = 'new';
    await b.invalidateTags(['agent:3']);
    // A failover to a replica that never got the mark: the mark is gone and clients reconnect.
    const marks = await redis.admin.keys('*tg:h:agent:3');
    expect(marks.length).toBeGreaterThan(0);
    await redis.admin.del(...marks);
    await redis.admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    // While a reconnects it serves the loader ('error'); the first answer Redis takes part in
    // must not be the entry whose invalidation the server lost.
    let answer: { value: string; status: string } = { value: '', status: 'error' };
    await vi.waitFor(
      async () => {
        answer = await a.fetch(key('lost'), () => db, options);
        expect(answer.status).not.toBe('error');
      },
      { timeout: 5000 },
    );
    expect(answer).toMatchObject({ value: 'new', status: 'miss' });
  });

  it('replays an invalidation Redis refused before the writer reads Redis again', async () => {
    const { a, b, key } = await pair({ l1: false });
    let db = 'old';
    const options = { ttlMs: 60_000, tags: ['agent:4'] };
    await a.fetch(key('replay'), () => db, options);
    // b has seen the entry (a read of a key seen before takes no lease, a write) and caches one of
    // its own with the tag: from here on b only reads.
    await b.fetch(key('replay'), () => db, options);
    await b.fetch(key('replay-b'), () => db, options);
    db = 'new';
    await refuseWrites(redis.admin);
    try {
      expect(await a.invalidateTags(['agent:4'])).toBe(false);
      // The mark did not land: b, which has nothing to replay, still finds the old entry valid.
      expect((await b.fetch(key('replay'), () => db, options)).value).toBe('old');
      // The replay fails too while Redis refuses, so the writer's read goes to the loader.
      expect(await a.fetch(key('replay'), () => db, options)).toMatchObject({
        value: 'new',
        status: 'error',
      });
    } finally {
      await acceptWrites(redis.admin);
    }
    // A refused command is not run later by itself: the old entry is still valid for b.
    expect((await b.fetch(key('replay'), () => db, options)).value).toBe('old');
    // The writer's next read replays the mark first, so it misses instead of reading 'old'...
    expect(await a.fetch(key('replay'), () => db, options)).toMatchObject({ value: 'new', status: 'miss' });
    // ...and the replay reached Redis: b's own entry with the tag is no longer valid either.
    expect(await b.fetch(key('replay-b'), () => db, options)).toMatchObject({ value: 'new', status: 'miss' });
  });

  it('clears L1 when its bus connection drops, so a message lost meanwhile is not missed', async () => {
    const { a, b, key } = await pair();
    let db = 'old';
    const options = { ttlMs: 60_000, tags: ['agent:5'] };
    await a.fetch(key('dropped'), () => db, options);
    expect((await a.fetch(key('dropped'), () => db, options)).tier).toBe('l1');
    await redis.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    db = 'new';
    await b.invalidateTags(['agent:5']); // published while a is not subscribed: lost for a
    await a.ready(); // a hears its own heartbeat again
    expect((await a.fetch(key('dropped'), () => db, options)).value).toBe('new');
  });

  it('stops serving L1 when it no longer hears the bus, even with no connection event', async () => {
    const { a, b, key } = await pair();
    let db = 'old';
    const options = { ttlMs: 60_000, tags: ['agent:6'] };
    await a.fetch(key('silent'), () => db, options);
    expect((await a.fetch(key('silent'), () => db, options)).tier).toBe('l1');
    // What a Cluster's silent re-homing looks like from here: subscribed to nothing, no event.
    const subscriber = (a as unknown as { bus: { subscriber: Redis } }).bus.subscriber;
    await subscriber.unsubscribe();
    db = 'new';
    await b.invalidateTags(['agent:6']);
    await vi.waitFor(
      async () => expect((await a.fetch(key('silent'), () => db, options)).value).toBe('new'),
      {
        timeout: 5000,
      },
    );
  });

  it('keeps entries valid when an unrelated tag is invalidated during their fill', async () => {
    const { a, b, key } = await pair({ l1: false });
    const held = heldLoader(() => [7, 8]);
    const options = {
      ttlMs: 60_000,
      tags: ['list'],
      tagsFromValue: (v: number[]) => v.map((id) => `agent:${id}`),
    };
    const fill = a.fetch(key('unrelated'), held.loader, options);
    await held.started;
    await b.invalidateTags(['agent:99']); // someone else's install
    held.release();
    await fill;
    expect((await b.fetch(key('unrelated'), () => [0], options)).status).toBe('hit');
  });
});
