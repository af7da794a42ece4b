/**
 * Redis Cluster faults, on a real 3-master cluster with a replica per master:
 * - a dropped subscriber connection (CLIENT KILL) loses bus messages while it is down: the L1
 *   copies they would have dropped must not be served afterwards;
 * - a failover to a replica that missed the last invalidation: the promoted replica still has the
 *   entry and its origin but not the newest mark, and must not be trusted for it.
 */
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCacheKey, type Cache, createCache } from '../src/index';
import { keySlot, memoryLogger, sleep, uniquePrefix, useCluster } from './support/redis';

const cluster = useCluster({ replicas: 1, nodeTimeoutMs: 2000 });

const caches: Cache[] = [];
afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
});

function make(prefix: string, l1: boolean): Cache {
  const cache = createCache({
    prefix,
    redis: { cluster: cluster.nodes },
    ...(l1 ? { l1: { maxEntries: 1000, maxBytes: 10_000_000 } } : { l1: false as const }),
    timeoutMs: 500,
    logger: memoryLogger(),
  });
  caches.push(cache);
  return cache;
}

/** Every node's connections of one type, e.g. the subscribers. */
async function clientsOfType(type: 'pubsub'): Promise<number> {
  let count = 0;
  for (const node of cluster.all) {
    const admin = new Redis(node.port, node.host);
    const list = (await admin.call('CLIENT', 'LIST', 'TYPE', type)) as string;
    count += list.split('\n').filter(Boolean).length;
    admin.disconnect();
  }
  return count;
}

async function killSubscribers(): Promise<void> {
  await Promise.all(
    cluster.all.map(async (node) => {
      const admin = new Redis(node.port, node.host);
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      admin.disconnect();
    }),
  );
}

describe('redis cluster faults', () => {
  it('a dropped subscriber connection: no L1 copy outlives a write whose bus message it missed', async () => {
    const prefix = uniquePrefix('gap');
    // The writer's user may not PUBLISH: its bus message is lost for certain, as one sent while
    // the reader's subscriber was away would be. Its marks land.
    await Promise.all(
      cluster.all.map(async (node) => {
        const admin = new Redis(node.port, node.host);
        await admin.call('ACL', 'SETUSER', 'mute', 'on', 'nopass', '~*', '&*', '+@all', '-publish');
        admin.disconnect();
      }),
    );
    const writer = createCache({
      prefix,
      redis: { cluster: cluster.nodes.map((node) => ({ ...node, username: 'mute', password: 'x' })) },
      l1: false,
      timeoutMs: 500,
      logger: memoryLogger(),
    });
    caches.push(writer);
    const reader = make(prefix, true);
    await reader.ready();
    const options = { ttlMs: 60_000, tags: ['agent:1'], l1: true };
    const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.list', scope: 'public', input: 1 });
    let db = 'old';
    await reader.fetch(key, () => db, options);
    expect(await reader.fetch(key, () => db, options)).toMatchObject({ tier: 'l1' });
    await killSubscribers();
    db = 'new';
    expect(await writer.invalidateTags(['agent:1'])).toBe(false); // marked; its message is lost
    // The reader subscribed again (what a read a moment later would find).
    await expect.poll(() => clientsOfType('pubsub'), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await reader.ready();
    expect((await reader.fetch(key, () => db, options)).value).toBe('new');
  });

  for (const promotion of ['CLUSTER FAILOVER TAKEOVER', 'the master killed'] as const) {
    it(`a failover to a replica that missed the last invalidation (${promotion}): the entry it kept is not served`, async () => {
      const prefix = uniquePrefix('failover');
      const writer = make(prefix, false);
      const reader = make(prefix, false);
      await Promise.all([writer.ready(), reader.ready()]);
      const path = 'agents.get';
      const key = buildCacheKey({ prefix, version: 'v1', path, scope: 'public', input: 1 });
      const options = { ttlMs: 60_000, tags: ['agent:1'] };
      let db = 'old';
      expect((await reader.fetch(key, () => db, options)).status).toBe('miss');

      const admin = new Cluster(cluster.nodes);
      await admin.ping();
      const masterAddress = admin.slots[keySlot(key)]?.[0];
      if (!masterAddress) throw new Error('no master for the slot');
      const [host, port] = masterAddress.split(':');
      const master = new Redis(Number(port), host ?? '127.0.0.1');
      master.on('error', () => {});
      // The shard has a replica in sync (after an earlier failover the old master rejoins as one),
      // and the entry is on it too.
      await expect
        .poll(async () => /state=online/.test(await master.info('replication')), { timeout: 30_000 })
        .toBe(true);
      expect(await master.wait(1, 5000)).toBe(1);
      const replicaPort = await replicaOf(master);
      const replica = new Redis(replicaPort, '127.0.0.1');
      // Cut the replication link and keep it cut: the replica's next login to its master fails
      // (a password the master does not have). Clients of the master are not touched.
      await replica.config('SET', 'masterauth', 'wrong');
      await master.call('CLIENT', 'KILL', 'TYPE', 'replica');

      db = 'new';
      expect(await writer.invalidateTags(['agent:1'])).toBe(true); // lands on the master only
      if (promotion === 'CLUSTER FAILOVER TAKEOVER') await replica.call('CLUSTER', 'FAILOVER', 'TAKEOVER');
      else cluster.signal(Number(port), 'SIGKILL'); // the cluster promotes the replica after its node timeout
      await expect
        .poll(async () => ((await replica.call('ROLE')) as string[])[0], { timeout: 30_000 })
        .toBe('master');
      // The promoted replica really did miss the mark (else this test would prove nothing).
      expect(await replica.keys(`${prefix}:{${path}}:tg:h:*`)).toEqual([]);

      // The mutation returned before these reads started: none may see 'old'. Reads that find
      // no Redis to answer (the dead master, before the client learns the new one) come from the
      // loader; the first one Redis answers is the one that matters.
      const values: string[] = [];
      for (let i = 0; i < 200; i++) {
        const read = await reader.fetch(key, () => db, options);
        values.push(read.value);
        if (read.status !== 'error') break;
        await sleep(50);
      }
      expect(values.filter((v) => v !== 'new')).toEqual([]);
      expect((await reader.fetch(key, () => db, options)).status).not.toBe('error');
      master.disconnect();
      replica.disconnect();
      admin.disconnect();
    });
  }
});

async function replicaOf(master: Redis): Promise<number> {
  const info = await master.info('replication');
  const match = /slave0:ip=[^,]+,port=(\d+)/.exec(info);
  if (!match?.[1]) throw new Error(`master has no replica: ${info}`);
  return Number(match[1]);
}
