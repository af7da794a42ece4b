/**
 * Write-through (`clockBefore` + `prime`): a write stores the value it computed, so the next read
 * anywhere is a hit, and never lets that value land over a newer one. Each test models the
 * database as a variable and the write's "transaction" as the lines between `clockBefore` and
 * `prime`, and asserts what a reader sees.
 */
import { describe, expect, it } from 'vitest';
import { buildCacheKey, createCache } from '../src/index';
import { heldLoader } from './support/gate';
import { memoryLogger, uniquePrefix } from './support/redis';
import { useThrowAwayRedis } from './support/throw-away-redis';

const redis = useThrowAwayRedis();

const NAMESPACE = 'live.count';
const options = { ttlMs: 60_000, tags: ['agent:1:installs'], l1: false };

async function engines(kind: 'redis' | 'memory') {
  const prefix = uniquePrefix('prime');
  const make = () =>
    createCache({
      prefix,
      ...(kind === 'redis' ? { redis: redis.server.url, l1: false as const } : {}),
      logger: memoryLogger(),
    });
  // The memory store is one process's whole cache: "another instance" is the same engine.
  const a = make();
  const b = kind === 'redis' ? make() : a;
  redis.caches.push(...new Set([a, b]));
  await Promise.all([a.ready(), b.ready()]);
  const key = buildCacheKey({ prefix, version: 'v1', path: NAMESPACE, scope: 'public', input: 1 });
  return { a, b, key };
}

describe.each(['redis', 'memory'] as const)('write-through (%s store)', (kind) => {
  it('serves the primed value to the next read without running the loader', async () => {
    const { a, b, key } = await engines(kind);
    let db = 5;
    await b.fetch(key, () => db, options); // cached: 5
    const since = await a.clockBefore(NAMESPACE);
    if (since === undefined) throw new Error('no clock');
    db = 6; // the write commits
    expect(await a.prime(key, db, options, since)).toBe(true);
    let loads = 0;
    const read = await b.fetch(key, () => ++loads, options);
    expect(read.value).toBe(6);
    expect(loads).toBe(0);
  });

  it('never lets an older write land over a newer one', async () => {
    const { a, b, key } = await engines(kind);
    let db = 5;
    const sinceFirst = await a.clockBefore(NAMESPACE);
    db = 6; // the first write commits and is slow to prime
    const firstValue = db;
    const sinceSecond = await b.clockBefore(NAMESPACE);
    db = 7; // a second write commits after it and primes first
    if (sinceFirst === undefined || sinceSecond === undefined) throw new Error('no clock');
    expect(await b.prime(key, db, options, sinceSecond)).toBe(true);
    expect(await a.prime(key, firstValue, options, sinceFirst)).toBe(false);
    expect((await a.fetch(key, () => db, options)).value).toBe(7);
    expect((await b.fetch(key, () => db, options)).value).toBe(7);
  });

  it('also invalidates entries of other namespaces that carry the tag', async () => {
    const { a, b, key } = await engines(kind);
    let db = 5;
    const elsewhere = key.replace(`{${NAMESPACE}}`, '{page.view}');
    expect(elsewhere).not.toBe(key);
    await b.fetch(elsewhere, () => `page shows ${db}`, options);
    const since = await a.clockBefore(NAMESPACE);
    if (since === undefined) throw new Error('no clock');
    db = 6;
    expect(await a.prime(key, db, options, since)).toBe(true);
    expect((await b.fetch(elsewhere, () => `page shows ${db}`, options)).value).toBe('page shows 6');
    expect((await b.fetch(key, () => -1, options)).value).toBe(6);
  });

  it('refuses a fill that read the database before the write', async () => {
    const { a, b, key } = await engines(kind);
    let db = 5;
    const held = heldLoader(() => db);
    const fill = a.fetch(key, held.loader, options);
    await held.started; // the reader's loader saw 5
    const since = await b.clockBefore(NAMESPACE);
    if (since === undefined) throw new Error('no clock');
    db = 6;
    expect(await b.prime(key, db, options, since)).toBe(true);
    held.release();
    await fill;
    expect((await a.fetch(key, () => db, options)).value).toBe(6);
    expect((await b.fetch(key, () => db, options)).value).toBe(6);
  });
});

describe('write-through on a Redis that forgot', () => {
  it('does not store a value primed against a clock Redis no longer has', async () => {
    const { a, key } = await engines('redis');
    let db = 5;
    const since = await a.clockBefore(NAMESPACE);
    if (since === undefined) throw new Error('no clock');
    await redis.admin.flushall(); // restart, failover: the clock the write read is gone
    db = 6;
    expect(await a.prime(key, db, options, since)).toBe(false);
    let loads = 0;
    const read = await a.fetch(
      key,
      () => {
        loads++;
        return db;
      },
      options,
    );
    expect(read.value).toBe(6);
    expect(loads).toBe(1);
  });
});

describe('write-through when Redis takes no writes', () => {
  it('throws, and the writing process never reads the value from before its own write', async () => {
    const { a, b, key } = await engines('redis');
    let db = 5;
    expect((await a.fetch(key, () => db, options)).value).toBe(5);
    const since = await a.clockBefore(NAMESPACE);
    if (since === undefined) throw new Error('no clock');
    // Between the clock read and the prime, Redis stops taking writes (reads still work).
    await redis.admin.client('PAUSE', 60_000, 'WRITE');
    try {
      db = 6; // the write commits
      await expect(a.prime(key, db, options, since)).rejects.toThrow();
      // The entry holding 5 is still in Redis, unmarked: the writer must not serve it.
      expect((await a.fetch(key, () => db, options)).value).toBe(6);
    } finally {
      await redis.admin.client('UNPAUSE');
    }
    // Redis takes writes again: the prime that was queued lands, or the replayed invalidation
    // does; either way nobody reads 5.
    expect((await b.fetch(key, () => db, options)).value).toBe(6);
    expect((await a.fetch(key, () => db, options)).value).toBe(6);
  });
});
