/** Two engine instances sharing the real Redis (unique prefix per test), both tiers. */
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { CacheEngine } from '../src/cache';
import { buildCacheKey, type Cache, type CacheOptions, createCache } from '../src/index';
import { RedisStore } from '../src/stores/redis-store';
import { NamespaceRegistry } from '../src/tags';
import { busMessage, deletePrefix, memoryLogger, REDIS_URL, sleep, uniquePrefix } from './support/redis';

const raw = new Redis(REDIS_URL);
const caches: Cache[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
  for (const prefix of prefixes.splice(0)) await deletePrefix(raw, prefix);
});
afterAll(async () => {
  await raw.quit();
});

async function pair(overrides: Partial<CacheOptions> = {}) {
  const prefix = uniquePrefix('redis');
  prefixes.push(prefix);
  const make = () =>
    createCache({
      prefix,
      redis: REDIS_URL,
      l1: { maxEntries: 1000, maxBytes: 10_000_000 },
      timeoutMs: 500,
      logger: memoryLogger(),
      ...overrides,
    });
  const a = make();
  const b = make();
  caches.push(a, b);
  await Promise.all([a.ready(), b.ready()]);
  const key = (input: unknown, path = 'agents.list') =>
    buildCacheKey({ prefix, version: 'v1', path, scope: 'public', input });
  return { a, b, key, prefix };
}

function counter<T>(make: (n: number) => T | Promise<T>) {
  let runs = 0;
  return { loader: async () => make(++runs), runs: () => runs };
}

describe('redis store, two instances', () => {
  it('round-trips Dates, Maps, BigInt and undefined fields through both tiers', async () => {
    const { a, b, key } = await pair();
    const value = {
      at: new Date('2024-02-29T12:34:56.789Z'),
      byId: new Map<string, bigint>([['a', 2n ** 70n]]),
      tags: new Set(['x']),
      missing: undefined,
      list: [{ when: new Date(1), n: -1n }],
    };
    expect(await a.fetch(key('t'), () => value, { ttlMs: 60_000 })).toMatchObject({ status: 'miss' });
    const fromL1 = await a.fetch(key('t'), () => null, { ttlMs: 60_000 });
    const fromL2 = await b.fetch(key('t'), () => null, { ttlMs: 60_000 });
    const fromBL1 = await b.fetch(key('t'), () => null, { ttlMs: 60_000 });
    expect([fromL1.tier, fromL2.tier, fromBL1.tier]).toEqual(['l1', 'l2', 'l1']);
    for (const r of [fromL1, fromL2, fromBL1]) {
      expect(r.status).toBe('hit');
      expect(r.value).toEqual(value);
      expect(Object.hasOwn(Object(r.value), 'missing')).toBe(true);
    }
  });

  it('expires after the TTL and keeps jittered TTLs within bounds', async () => {
    const { a, key } = await pair();
    const { loader, runs } = counter((n) => n);
    await a.fetch(key('ttl'), loader, { ttlMs: 80, jitter: 0 });
    await sleep(150);
    expect(await a.fetch(key('ttl'), loader, { ttlMs: 80, jitter: 0 })).toMatchObject({
      value: 2,
      status: 'miss',
    });
    expect(runs()).toBe(2);

    const keys = Array.from({ length: 60 }, (_, i) => key(`j${i}`));
    await Promise.all(keys.map((k) => a.fetch(k, () => 1, { ttlMs: 100_000, jitter: 0.5 })));
    const ttls = await Promise.all(keys.map((k) => raw.pttl(k)));
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan(50_000 - 5_000);
      expect(ttl).toBeLessThanOrEqual(100_000);
    }
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThan(5_000); // actually spread out
  });

  it('serves stale within grace once per caller and refreshes once across both instances', async () => {
    const { a, b, key } = await pair();
    const { loader, runs } = counter(async (n) => {
      await sleep(30);
      return n;
    });
    const options = { ttlMs: 60, graceMs: 60_000, jitter: 0 };
    await a.fetch(key('g'), loader, options);
    await sleep(120);
    const reads = await Promise.all([
      ...Array.from({ length: 10 }, () => a.fetch(key('g'), loader, options)),
      ...Array.from({ length: 10 }, () => b.fetch(key('g'), loader, options)),
    ]);
    expect(reads.every((r) => r.status === 'stale' && r.value === 1)).toBe(true);
    await vi.waitFor(async () => expect((await b.fetch(key('g'), loader, options)).value).toBe(2));
    expect(runs()).toBe(2);
  });

  it('invalidates exactly the tagged entries on both instances and both tiers', async () => {
    const { a, b, key } = await pair();
    const { loader, runs } = counter((n) => n);
    const opts = (tags: string[]) => ({ ttlMs: 60_000, tags });
    await a.fetch(key(1), loader, opts(['agent:1']));
    await a.fetch(key(2), loader, opts(['agent:2']));
    await a.fetch(key(3, 'workspaces.get'), loader, {
      ttlMs: 60_000,
      tagsFromValue: () => ['agent:1', 'workspace:9'],
    });
    for (const [k, o] of [
      [key(1), opts(['agent:1'])],
      [key(2), opts(['agent:2'])],
      [key(3, 'workspaces.get'), { ttlMs: 60_000 }],
    ] as const) {
      expect((await b.fetch(k, loader, o)).tier).toBe('l2');
      expect((await b.fetch(k, loader, o)).tier).toBe('l1');
    }
    expect(b.stats().l1?.entries).toBe(3);

    await a.invalidateTags(['agent:1']);
    // b hears it on the bus and drops its two L1 copies carrying agent:1, and only those.
    await vi.waitFor(() => expect(b.stats().l1?.entries).toBe(1));
    expect(await b.fetch(key(2), loader, opts(['agent:2']))).toMatchObject({
      status: 'hit',
      tier: 'l1',
      value: 2,
    });
    expect(await b.fetch(key(1), loader, opts(['agent:1']))).toMatchObject({ status: 'miss', value: 4 });
    expect(await a.fetch(key(3, 'workspaces.get'), loader, { ttlMs: 60_000 })).toMatchObject({
      status: 'miss',
      value: 5,
    });
    expect(await a.fetch(key(2), loader, opts(['agent:2']))).toMatchObject({
      status: 'hit',
      tier: 'l1',
      value: 2,
    });
    expect(await a.fetch(key(1), loader, opts(['agent:1']))).toMatchObject({
      status: 'hit',
      tier: 'l2',
      value: 4,
    });
    expect(runs()).toBe(5);
  });

  it('invalidates any number of tags in one round trip (one socket write)', async () => {
    const { a, key } = await pair();
    for (const path of ['ns.one', 'ns.two', 'ns.three'])
      await a.fetch(key(1, path), () => 1, { ttlMs: 60_000, tags: ['t:1'] });
    const client = (a as CacheEngine).redisClient as Redis;
    const write = vi.spyOn(client.stream, 'write');
    await a.invalidateTags(Array.from({ length: 50 }, (_, i) => `t:${i}`));
    expect(write).toHaveBeenCalledTimes(1);
    write.mockRestore();
    for (const path of ['ns.one', 'ns.two', 'ns.three']) {
      expect((await a.fetch(key(1, path), () => 2, { ttlMs: 60_000, tags: ['t:1'] })).status).toBe('miss');
    }
  });

  it('reaches namespaces only another instance has used (registered in Redis)', async () => {
    const { a, b, key } = await pair();
    await a.fetch(key(1, 'only.a'), () => 1, { ttlMs: 60_000, tags: ['x'] });
    await b.invalidateTags(['x']);
    expect((await a.fetch(key(1, 'only.a'), () => 2, { ttlMs: 60_000, tags: ['x'] })).status).toBe('miss');
  });

  it('bumps a namespace registered elsewhere even if the bus announces it mid-invalidation', async () => {
    const prefix = uniquePrefix('ns-race');
    prefixes.push(prefix);
    const client = new Redis(REDIS_URL);
    const store = new RedisStore(client, prefix);
    const registry = new NamespaceRegistry(store, []);
    try {
      await store.registerNamespaces(['agents.list']); // another process registered it
      const pending = registry.invalidate(['agent:1'], false, '{}');
      registry.learn(['agents.list']); // its bus announcement lands while round one is in flight
      await pending;
      expect(await raw.get(`${prefix}:{agents.list}:tg:h:agent:1`)).toBe('1');
    } finally {
      await store.close();
    }
  });

  it('a fill that began before an invalidation does not store a fresh stale value (forced race)', async () => {
    const { a, b, key } = await pair();
    for (const tagging of ['declared', 'fromValue'] as const) {
      const options =
        tagging === 'declared'
          ? { ttlMs: 60_000, tags: ['agent:9'] }
          : { ttlMs: 60_000, tagsFromValue: () => ['agent:9'] };
      let db = 'old';
      let loaderStarted: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        loaderStarted = resolve;
      });
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const fill = a.fetch(
        key(tagging),
        async () => {
          const seen = db; // the loader reads the database before the mutation...
          loaderStarted();
          await released;
          return seen;
        },
        options,
      );
      await started;
      db = 'new'; // ...the mutation commits and invalidates while the fill is still in flight
      await b.invalidateTags(['agent:9']);
      release();
      expect(await fill).toMatchObject({ value: 'old', status: 'miss' });
      const reread = { tagging, ...(await b.fetch(key(tagging), async () => db, options)) };
      expect(reread).toMatchObject({ tagging, value: 'new', status: 'miss' });
      expect(await a.fetch(key(tagging), async () => db, options)).toMatchObject({ value: 'new' });
    }
  });

  it('runs the loader once for 200 concurrent calls across two instances', async () => {
    const { a, b, key } = await pair();
    const { loader, runs } = counter(async (n) => {
      await sleep(50);
      return { n };
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? a : b).fetch(key('hot'), loader, { ttlMs: 60_000 }),
      ),
    );
    expect(runs()).toBe(1);
    expect(results.every((r) => (r.value as { n: number }).n === 1)).toBe(true);
    const waits = (c: Cache) => c.stats().perNamespace['agents.list']?.leaseWaits ?? 0;
    expect(waits(a) + waits(b)).toBe(1);
  });

  it('takes over when a lease holder disappears without a value', async () => {
    const { a, key } = await pair({ leaseMs: 300 });
    await raw.set(`${key('orphan')}:lease`, 'someone-else', 'PX', 300);
    const { loader, runs } = counter((n) => n);
    expect(await a.fetch(key('orphan'), loader, { ttlMs: 60_000 })).toMatchObject({
      value: 1,
      status: 'miss',
    });
    expect(runs()).toBe(1);
    expect(a.stats().perNamespace['agents.list']?.leaseWaits).toBe(1);
    expect(await raw.get(`${key('orphan')}:lease`)).toBeNull(); // our lease released with the write
  });

  it('soft invalidation: stale once, one refresh across instances, a burst never causes 100 loads', async () => {
    const { a, b, key } = await pair();
    const { loader, runs } = counter(async (n) => {
      await sleep(20);
      return n;
    });
    const options = { ttlMs: 60_000, tags: ['marketplace:list'] };
    await a.fetch(key('list'), loader, options);
    await b.fetch(key('list'), loader, options);
    await a.invalidateTags(['marketplace:list'], { soft: true });
    await vi.waitFor(() => expect(b.stats().l1?.entries).toBe(0));
    const [ra, rb] = await Promise.all([
      a.fetch(key('list'), loader, options),
      b.fetch(key('list'), loader, options),
    ]);
    expect([ra.status, ra.value, rb.status, rb.value]).toEqual(['stale', 1, 'stale', 1]);
    await vi.waitFor(async () => expect((await b.fetch(key('list'), loader, options)).value).toBe(2));
    expect(runs()).toBe(2);

    const burst = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const cache = i % 2 === 0 ? a : b;
        await cache.invalidateTags(['marketplace:list'], { soft: true });
        return cache.fetch(key('list'), loader, options);
      }),
    );
    expect(burst.some((r) => r.status === 'miss')).toBe(false);
    await vi.waitFor(async () => expect((await a.fetch(key('list'), loader, options)).status).toBe('hit'));
    expect(runs() - 2).toBeLessThanOrEqual(6);
  });

  it('invalidatePrefix and delete reach the other instance too', async () => {
    const { a, b, key, prefix } = await pair();
    const o = { ttlMs: 60_000 };
    await a.fetch(key(1, 'marketplace.search'), () => 1, o);
    await a.fetch(key(1, 'templates.list'), () => 1, o);
    for (const k of [key(1, 'marketplace.search'), key(1, 'templates.list')]) {
      await b.fetch(k, () => 0, o);
      expect((await b.fetch(k, () => 0, o)).tier).toBe('l1');
    }
    await a.invalidatePrefix(`${prefix}:v1:marketplace.search`);
    await vi.waitFor(() => expect(b.stats().l1?.entries).toBe(1));
    expect((await b.fetch(key(1, 'marketplace.search'), () => 2, o)).status).toBe('miss');
    expect((await b.fetch(key(1, 'templates.list'), () => 2, o)).status).toBe('hit');
    const heard = busMessage(a);
    await b.delete(key(1, 'templates.list'));
    await heard;
    expect((await a.fetch(key(1, 'templates.list'), () => 3, o)).status).toBe('miss');
  });

  it('reports per-namespace counters, store latency and events', async () => {
    const { a, key } = await pair();
    const seen: string[] = [];
    a.onEvent((e) => seen.push(e.type));
    await a.fetch(key(1), () => 1, { ttlMs: 60_000 });
    await a.fetch(key(1), () => 1, { ttlMs: 60_000 });
    await a.fetch(key(1), () => 1, { ttlMs: 60_000, mode: 'bypass' });
    const stats = a.stats();
    expect(stats.perNamespace['agents.list']).toMatchObject({
      hits: 1,
      misses: 1,
      bypass: 1,
      l1Hits: 1,
      hitRate: 0.5,
    });
    expect(stats.breaker).toBe('closed');
    expect(stats.storeLatency.read?.count).toBeGreaterThan(0);
    expect(stats.storeLatency.read?.buckets.at(-1)?.count).toBe(stats.storeLatency.read?.count);
    expect(seen).toEqual(expect.arrayContaining(['miss', 'hit', 'bypass', 'store-op', 'loader']));
  });
});
