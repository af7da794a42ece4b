/** Two engine instances sharing the real Redis: races, leases, soft invalidation, metrics. */

import { describe, expect, it, vi } from 'vitest';
import type { Cache } from '../src/index';
import { countedHeldLoader, heldLoader } from './support/gate';
import { busMessage, sleep } from './support/redis';
import { counter, pair, raw } from './support/two-instances';

describe('redis store, two instances: races, stampedes, soft invalidation', () => {
  it('never lets a read that started after a write join a fill that began before it', async () => {
    const { a, key } = await pair();
    let db = 'old';
    const { loader, started, release } = heldLoader(() => db);
    const options = { ttlMs: 60_000, tags: ['t'] };
    const early = a.fetch(key('sf'), loader, options);
    await started;
    db = 'new';
    await a.invalidateTags(['t']); // the mutation returns here
    const late = a.fetch(key('sf'), async () => db, options);
    release();
    expect((await early).value).toBe('old');
    expect((await late).value).toBe('new');
  });

  it('does not store a fill whose tag was hard-invalidated while its loader ran', async () => {
    const { a, b, key } = await pair({ l1: false });
    const { loader, started, release } = heldLoader(() => 'old');
    const options = { ttlMs: 60_000, tags: ['t'] };
    const fill = a.fetch(key('refused'), loader, options);
    await started;
    await b.invalidateTags(['t']);
    release();
    expect(await fill).toMatchObject({ value: 'old', status: 'miss' });
    // Readers would judge it a miss anyway; the write itself is refused (nothing is stored).
    expect(await raw.exists(key('refused'))).toBe(0);
  });

  it('does not keep in its own L1 a value read while its invalidation was in flight', async () => {
    const { a, key } = await pair();
    let db = 'old';
    const options = { ttlMs: 60_000, tags: ['t'], l1: true };
    await a.fetch(key('own-l1'), () => db, options);
    db = 'new';
    const invalidating = a.invalidateTags(['t']);
    const during = a.fetch(key('own-l1'), () => db, options); // may legitimately see 'old'
    await invalidating;
    await during;
    for (let i = 0; i < 3; i++) expect((await a.fetch(key('own-l1'), () => db, options)).value).toBe('new');
  });

  it('does not keep in L1 a fill that another instance soft-invalidated while it ran', async () => {
    const { a, b, key } = await pair();
    const { loader, started, release } = heldLoader(() => 'old');
    const options = { ttlMs: 60_000, tags: ['list'], l1: true };
    const fill = a.fetch(key('soft-during-fill'), loader, options);
    await started;
    const heard = busMessage(a);
    await b.invalidateTags(['list'], { soft: true });
    await heard;
    release();
    await fill;
    // Stored (soft never refuses) but stale: the next read says so and refreshes it, instead of
    // an L1 copy answering 'hit' until its TTL.
    expect((await a.fetch(key('soft-during-fill'), () => 'new', options)).status).toBe('stale');
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

  it('runs the loader once for 200 concurrent calls on a just-invalidated key across two instances', async () => {
    const { a, b, key } = await pair();
    const options = { ttlMs: 60_000, tags: ['agent:9'] };
    const { loader, runs } = counter(async (n) => {
      await sleep(50);
      return { n };
    });
    await a.fetch(key('invalidated'), loader, options);
    await b.fetch(key('invalidated'), loader, options); // both know the key: the hit-shaped read path
    await a.invalidateTags(['agent:9']);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).fetch(key('invalidated'), loader, options)),
    );
    expect(runs()).toBe(2); // the first fill, then exactly one for the whole burst
    expect(results.every((r) => (r.value as { n: number }).n === 2)).toBe(true);
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

  it('soft invalidation: stale once, one refresh across instances; a burst of 100 on both starts none while one is in flight', async () => {
    const { a, b, key } = await pair();
    const { loader, runs } = counter((n) => n);
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

    // A burst of 100 soft invalidations and reads, half on each instance, while the first
    // refresh it starts is held: its lease keeps every other read, on either instance, from
    // starting another.
    const refresh = countedHeldLoader(loader);
    const held = refresh.loader;
    // One after the other, so each read comes after a new invalidation (concurrent reads of one
    // key in one process would share one flight and never reach the refresh's own single-flight).
    for (let i = 0; i < 100; i++) {
      const cache = i % 2 === 0 ? a : b;
      await cache.invalidateTags(['marketplace:list'], { soft: true });
      expect(await cache.fetch(key('list'), held, options)).toMatchObject({ value: 2, status: 'stale' });
    }
    await vi.waitFor(() => expect(refresh.starts()).toBeGreaterThan(0));
    expect(refresh.starts()).toBe(1);
    refresh.release();
    await vi.waitFor(async () => expect((await a.fetch(key('list'), held, options)).status).toBe('hit'));
    await vi.waitFor(async () => expect((await b.fetch(key('list'), held, options)).status).toBe('hit'));
    // The held refresh, and at most one more per instance for invalidations that came after it began.
    expect(refresh.starts()).toBeLessThanOrEqual(3);
  });

  it('a tag invalidation and a delete reach the other instance too', async () => {
    const { a, b, key } = await pair();
    const o = { ttlMs: 60_000 };
    const search = { ...o, tags: ['search'] };
    await a.fetch(key(1, 'marketplace.search'), () => 1, search);
    await a.fetch(key(1, 'templates.list'), () => 1, o);
    for (const [k, opts] of [
      [key(1, 'marketplace.search'), search],
      [key(1, 'templates.list'), o],
    ] as const) {
      await b.fetch(k, () => 0, opts);
      expect((await b.fetch(k, () => 0, opts)).tier).toBe('l1');
    }
    await a.invalidateTags(['search']);
    await vi.waitFor(() => expect(b.stats().l1?.entries).toBe(1));
    expect((await b.fetch(key(1, 'marketplace.search'), () => 2, search)).status).toBe('miss');
    // An unrelated invalidation leaves other entries valid: still a hit.
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
