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
import { acceptWrites, refuseWrites } from './support/refuse-writes';
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

describe('write-through when Redis refuses writes', () => {
  it('throws, and the writing process never reads the value from before its own write', async () => {
    const { a, b, key } = await engines('redis');
    let db = 5;
    expect((await a.fetch(key, () => db, options)).value).toBe(5);
    // b has seen the entry, so its reads take no lease (a write): from here on b only reads.
    expect((await b.fetch(key, () => db, options)).value).toBe(5);
    const since = await a.clockBefore(NAMESPACE);
    if (since === undefined) throw new Error('no clock');
    // Between the clock read and the prime, Redis starts refusing writes (reads still work).
    await refuseWrites(redis.admin);
    try {
      db = 6; // the write commits
      await expect(a.prime(key, db, options, since)).rejects.toThrow(/NOREPLICAS/);
      // Nothing landed: b, which has nothing to replay, still finds 5 valid in Redis.
      expect((await b.fetch(key, () => db, options)).value).toBe(5);
      // The writer's replay is refused too, so its read goes to the loader, never to that 5.
      expect(await a.fetch(key, () => db, options)).toMatchObject({ value: 6, status: 'error' });
    } finally {
      await acceptWrites(redis.admin);
    }
    // A refused command is not run later by itself: 5 is still valid for b.
    expect((await b.fetch(key, () => db, options)).value).toBe(5);
    // The writer's next read replays the invalidation first: a miss that loads 6, not a hit on 5.
    expect(await a.fetch(key, () => db, options)).toMatchObject({ value: 6, status: 'miss' });
    expect((await b.fetch(key, () => db, options)).value).toBe(6);
  });
});
