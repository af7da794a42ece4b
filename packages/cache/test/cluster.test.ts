/** A 3-master Redis Cluster started by the test: everything works without CROSSSLOT errors. */
import { Cluster } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { buildCacheKey, type Cache, type CacheEvent, createCache } from '../src/index';
import { busMessage, keySlot, memoryLogger, sleep, uniquePrefix, useCluster } from './support/redis';

const cluster = useCluster();

describe('redis cluster', () => {
  it('get/set, tags across namespaces, soft invalidation, leases and types on 3 masters', async () => {
    const prefix = uniquePrefix('cluster');
    const make = () =>
      createCache({
        prefix,
        redis: { cluster: cluster.nodes },
        l1: { maxEntries: 1000, maxBytes: 10_000_000 },
        timeoutMs: 500,
        logger: memoryLogger(),
      });
    const a = make();
    const b = make();
    const events: CacheEvent[] = [];
    const caches: Cache[] = [a, b];
    for (const cache of caches) cache.onEvent((e) => events.push(e));
    const admin = new Cluster(cluster.nodes);
    try {
      await Promise.all([a.ready(), b.ready()]);
      const paths = ['marketplace.search', 'templates.list', 'workspaces.get', 'agents.get'];
      const key = (path: string, input: unknown = 1) =>
        buildCacheKey({ prefix, version: 'v1', path, scope: 'public', input });
      // The namespaces really are spread over several masters.
      await admin.ping();
      const masters = new Set(paths.map((p) => admin.slots[keySlot(key(p))]?.[0]));
      expect(masters.size).toBeGreaterThan(1);

      let runs = 0;
      const value = { at: new Date(5), m: new Map([[1, 2n]]), u: undefined, runs: 0 };
      const loader = async () => ({ ...value, runs: ++runs });
      const opts = (path: string) => ({ ttlMs: 60_000, tags: ['agent:1', `only:${path}`] });
      for (const path of paths) {
        expect((await a.fetch(key(path), loader, opts(path))).status).toBe('miss');
        const hit = await b.fetch(key(path), loader, opts(path));
        expect(hit).toMatchObject({ status: 'hit', tier: 'l2' });
        expect(hit.value).toEqual({ ...value, runs: runs });
      }
      expect(runs).toBe(4);

      // One tag invalidated in every namespace (each on its own slot).
      await b.invalidateTags(['agent:1']);
      // a's L1 copies go when the bus message lands (L1 coherence is as fast as pub/sub).
      await vi.waitFor(() => expect(a.stats().l1?.entries).toBe(0));
      for (const path of paths) expect((await a.fetch(key(path), loader, opts(path))).status).toBe('miss');
      expect(runs).toBe(8);
      await a.invalidateTags(['only:templates.list']);
      expect((await b.fetch(key('templates.list'), loader, opts('templates.list'))).status).toBe('miss');
      expect((await b.fetch(key('agents.get'), loader, opts('agents.get'))).status).toBe('hit');

      // Soft: stale once, one refresh.
      const heard = busMessage(b);
      await a.invalidateTags(['agent:1'], { soft: true });
      await heard;
      expect((await b.fetch(key('agents.get'), loader, opts('agents.get'))).status).toBe('stale');
      await vi.waitFor(async () =>
        expect((await b.fetch(key('agents.get'), loader, opts('agents.get'))).status).toBe('hit'),
      );

      // Leases across two instances: one loader run for 100 concurrent calls.
      const before = runs;
      const slow = async () => {
        await sleep(50);
        return loader();
      };
      const hot = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).fetch(key('agents.get', 'hot'), slow, { ttlMs: 60_000 }),
        ),
      );
      expect(runs - before).toBe(1);
      expect(new Set(hot.map((r) => (r.value as { runs: number }).runs)).size).toBe(1);

      const heardTag = busMessage(b);
      await a.invalidateTags(['only:templates.list']);
      await heardTag;
      expect((await b.fetch(key('templates.list'), loader, opts('templates.list'))).status).toBe('miss');
      const heardDelete = busMessage(b);
      await a.delete(key('workspaces.get'));
      await heardDelete;
      expect((await b.fetch(key('workspaces.get'), loader, opts('workspaces.get'))).status).toBe('miss');

      expect(events.filter((e) => e.type === 'error' || (e.type === 'store-op' && !e.ok))).toEqual([]);
      expect(a.stats().breaker).toBe('closed');
    } finally {
      admin.disconnect();
      await Promise.all(caches.map((cache) => cache.close()));
    }
  });
});
