/** Two engine instances sharing the real Redis (unique prefix per test), both tiers. */
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import type { CacheEngine } from '../src/cache';
import type { LoaderContext } from '../src/index';
import { RedisStore } from '../src/stores/redis-store';
import { NamespaceRegistry } from '../src/tags';
import { gate } from './support/gate';
import { REDIS_URL, sleep } from './support/redis';
import { counter, pair, raw, trackPrefix } from './support/two-instances';

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

  it('answers an L1 hit without a promise (localHit), and nothing L1 may not answer', async () => {
    const { a, b, key } = await pair();
    const options = { ttlMs: 60_000, tags: ['agent:3'] };
    await a.fetch(key('sync'), () => 'v1', options);
    expect(a.localHit(key('sync'), {})).toMatchObject({ value: 'v1', status: 'hit', tier: 'l1' });
    expect(a.localHit(key('sync'), { l1: false })).toBeUndefined();
    expect(a.localHit(key('sync'), { mode: 'bypass' })).toBeUndefined();
    expect(b.localHit(key('sync'), {})).toBeUndefined(); // b never read it: only Redis has it
    await b.invalidateTags(['agent:3']);
    // a hears it on the bus and drops its copy: no stale answer on the synchronous path either.
    await vi.waitFor(() => expect(a.localHit(key('sync'), {})).toBeUndefined(), { timeout: 10_000 });
    expect(await a.fetch(key('sync'), () => 'v2', options)).toMatchObject({ value: 'v2', status: 'miss' });
  });

  it('keeps an entry fetched with l1: false out of L1, so every read checks Redis', async () => {
    const { a, b, key } = await pair();
    const options = { ttlMs: 60_000, tags: ['agent:7'], l1: false };
    expect((await a.fetch(key('exact'), () => 1, options)).status).toBe('miss');
    const again = await a.fetch(key('exact'), () => 2, options);
    expect(again).toMatchObject({ value: 1, status: 'hit', tier: 'l2' });
    expect(a.stats().l1?.entries).toBe(0);
    // An invalidation from the other instance is seen by the very next read, bus or no bus.
    await b.invalidateTags(['agent:7']);
    expect(await a.fetch(key('exact'), () => 3, options)).toMatchObject({ value: 3, status: 'miss' });
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
    const refreshHeld = gate();
    let runs = 0;
    const loader = async (ctx: LoaderContext) => {
      const n = ++runs;
      if (n > 1) {
        await refreshHeld.opened; // the refresh finishes only after every stale read answered
        ctx.setTtl(60_000); // and then stays fresh, however slow this machine is
      }
      return n;
    };
    const options = { ttlMs: 60, graceMs: 60_000, jitter: 0 };
    await a.fetch(key('g'), loader, options);
    await sleep(120);
    const reads = await Promise.all([
      ...Array.from({ length: 10 }, () => a.fetch(key('g'), loader, options)),
      ...Array.from({ length: 10 }, () => b.fetch(key('g'), loader, options)),
    ]);
    expect(reads.every((r) => r.status === 'stale' && r.value === 1)).toBe(true);
    refreshHeld.open();
    await vi.waitFor(async () => expect((await b.fetch(key('g'), loader, options)).value).toBe(2));
    expect(runs).toBe(2);
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
    const prefix = trackPrefix('ns-race');
    const client = new Redis(REDIS_URL);
    const store = new RedisStore(client, prefix, 60_000);
    const registry = new NamespaceRegistry(store, []);
    try {
      await store.registerNamespaces(['agents.list']); // another process registered it
      const pending = registry.invalidate(['agent:1'], { strength: 'hard' }, { message: '{}' });
      registry.learn(['agents.list']); // its bus announcement lands while round one is in flight
      await pending;
      // The tag carries a mark (a clock tick) in the namespace only the registry named.
      expect(await raw.get(`${prefix}:{agents.list}:tg:h:agent:1`)).toMatch(/^\d+$/);
    } finally {
      await store.close();
    }
  });
});
