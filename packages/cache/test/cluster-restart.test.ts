/**
 * A Redis Cluster master that restarts empty, with no replica to take over: its slots come back
 * with it (from its config file), its data does not. While it was away, a client's connection
 * pool dropped it, so the client's next commands for its slots go to another master first and
 * are answered MOVED. Every command must follow that answer: an invalidation that fails instead
 * is only replayed by the writer, and every other instance keeps serving what the write replaced.
 */
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCacheKey, type Cache, createCache } from '../src/index';
import { keySlot, memoryLogger, sleep, uniquePrefix, useCluster } from './support/redis';

const cluster = useCluster();

const caches: Cache[] = [];
afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
});

function make(prefix: string): Cache {
  const cache = createCache({
    prefix,
    redis: { cluster: cluster.nodes },
    l1: false,
    timeoutMs: 500,
    logger: memoryLogger(),
  });
  caches.push(cache);
  return cache;
}

async function clusterHealthy(): Promise<boolean> {
  const infos = await Promise.all(
    cluster.nodes.map(async ({ host, port }) => {
      const node = new Redis(port, host, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      node.on('error', () => {});
      try {
        return (await node.call('CLUSTER', 'INFO')) as string;
      } catch {
        return '';
      } finally {
        node.disconnect();
      }
    }),
  );
  return infos.every((info) => info.includes('cluster_state:ok'));
}

describe('redis cluster: a master restarted empty', () => {
  it('a write after the restart reaches every instance: none serves the value it replaced', async () => {
    const prefix = uniquePrefix('restart');
    // Twelve namespaces, spread over the three masters: an invalidation marks several of them
    // on the restarted master at once, in different slots.
    const keys = Array.from({ length: 12 }, (_, i) =>
      buildCacheKey({ prefix, version: 'v1', path: `agents.list${i}`, scope: 'public', input: 1 }),
    );
    const options = { ttlMs: 60_000, tags: ['agent:1'] };
    let db = 'old';
    const writer = make(prefix);
    await writer.ready();
    for (const key of keys) await writer.fetch(key, () => db, options);

    const admin = new Cluster(cluster.nodes);
    await admin.ping();
    const owners = keys.map((key) => admin.slots[keySlot(key)]?.[0] ?? '');
    admin.disconnect();
    const busiest = [...new Set(owners)].sort(
      (a, b) => owners.filter((o) => o === b).length - owners.filter((o) => o === a).length,
    )[0];
    const port = Number(busiest?.split(':')[1]);
    expect(owners.filter((owner) => owner === busiest).length).toBeGreaterThanOrEqual(2);

    await cluster.shutDown(port);
    // The writer keeps reading while the master is away (its reads come from the loader), as an
    // instance under load does: its pool drops the lost node.
    // A second of it: shorter than the cluster's node timeout, so the others never mark it failed.
    for (const until = Date.now() + 1000; Date.now() < until; await sleep(50)) {
      const reads = await Promise.all(keys.map((key) => writer.fetch(key, () => db, options)));
      expect(reads.map((read) => read.value)).toEqual(keys.map(() => 'old'));
    }
    await cluster.startAgain(port);
    await expect.poll(clusterHealthy, { timeout: 30_000, interval: 200 }).toBe(true);

    // Another instance caches every key again (the restarted master holds none of them).
    const reader = make(prefix);
    await reader.ready();
    for (const key of keys) expect((await reader.fetch(key, () => db, options)).value).toBe('old');
    await expect
      .poll(async () => {
        const reads = await Promise.all(keys.map((key) => reader.fetch(key, () => db, options)));
        return reads.every((read) => read.status === 'hit');
      })
      .toBe(true);

    db = 'new';
    await writer.invalidateTags(['agent:1']);
    // The write returned: the other instance shows it for every key.
    const after = await Promise.all(keys.map((key) => reader.fetch(key, () => db, options)));
    expect(after.map((read) => read.value)).toEqual(keys.map(() => 'new'));
  }, 90_000);
});
