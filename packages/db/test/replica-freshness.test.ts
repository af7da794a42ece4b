/**
 * Read replicas cannot poison the cache, against a real primary and a streaming replica that
 * applies each commit 1 s late. A write commits on the primary, records its WAL position with the
 * tags it invalidates (through the cache engine, in Redis), and the next fill on another cache
 * instance must not read the lagging replica: the old row is never served nor stored. Then the
 * replica is used again once it has caught up, and the primary answers while it is down.
 */
import { createCache } from '@stash/cache';
import { type RedisProcess, startRedis, uniquePrefix } from '@stash/cache/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDb,
  type Db,
  type OpenedReplicas,
  openReplicas,
  primaryPosition,
  ReadRouter,
} from '../src/index';
import { type ReplicatedPostgres, startReplicatedPostgres } from '../src/testing';

const APPLY_DELAY_MS = 1000;

let servers: ReplicatedPostgres;
let redis: RedisProcess;
let primary: Db;
let opened: OpenedReplicas;

beforeAll(async () => {
  [servers, redis] = await Promise.all([
    startReplicatedPostgres({ applyDelayMs: APPLY_DELAY_MS }),
    startRedis(),
  ]);
  primary = createDb({ url: servers.primaryUrl, poolMax: 2 });
  opened = openReplicas([servers.replicaUrl], { poolMax: 2 });
  await primary.prisma.$executeRawUnsafe('CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)');
  await primary.prisma.$executeRawUnsafe(`INSERT INTO note VALUES (1, 'v0')`);
  await untilReplicaHas(await primaryPosition(primary.prisma));
}, 120_000);

afterAll(async () => {
  await opened?.close();
  await primary?.close();
  await Promise.all([servers?.stop(), redis?.stop()]);
});

function router(): ReadRouter {
  // retryAfterMs short: the fallback test starts the replica again and expects it back soon.
  return new ReadRouter(primary.prisma, opened.replicas, { retryAfterMs: 200 });
}

async function untilReplicaHas(position: bigint): Promise<void> {
  const replica = opened.replicas[0];
  if (!replica) throw new Error('no replica');
  const deadline = Date.now() + 30_000;
  while (((await replica.replayed(1000).catch(() => null)) ?? -1n) < position) {
    if (Date.now() > deadline) throw new Error('the replica did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A cache loader that reads where the router sends it, and the sources it was sent to. */
function routedLoader() {
  const reads = router();
  const sources: string[] = [];
  const loader = async (ctx: { minPosition: bigint | undefined }) => {
    const source = await reads.forFill(ctx.minPosition);
    sources.push(source.from);
    return bodyOf(source.prisma);
  };
  return { reads, loader, sources };
}

async function bodyOf(prisma: Db['prisma']): Promise<string> {
  const rows = await prisma.$queryRaw<Array<{ body: string }>>`SELECT body FROM note WHERE id = 1`;
  return rows[0]?.body ?? '(none)';
}

/** A write as the API makes one: commit on the primary, then invalidate with its position. */
async function write(writer: ReturnType<typeof createCache>, body: string): Promise<bigint> {
  await primary.prisma.$executeRaw`UPDATE note SET body = ${body} WHERE id = 1`;
  const position = await primaryPosition(primary.prisma);
  expect(await writer.invalidateTags(['note:1'], { position })).toBe(true);
  return position;
}

describe('a replica behind a write', () => {
  const prefix = uniquePrefix('replica');
  // Each test its own entry: one's outcome is not the next one's starting point.
  const keyOf = (test: string) => `${prefix}:v1:{notes.get}:public:${test}`;
  const options = { ttlMs: 60_000, tags: ['note:1'], l1: false };
  const caches = () => {
    const make = () => createCache({ prefix, redis: redis.url, l1: false, namespaces: ['notes.get'] });
    return { writer: make(), reader: make() };
  };

  it('is not read by the next fill: the primary answers and the new row is what gets stored', async () => {
    const { writer, reader } = caches();
    const { loader, sources } = routedLoader();
    const key = keyOf('fill');
    try {
      await Promise.all([writer.ready(), reader.ready()]);
      expect((await reader.fetch(key, loader, options)).value).toBe('v0');
      expect(sources).toEqual(['replica']); // nothing recorded yet: the replica is good enough

      const position = await write(writer, 'v1');
      // The lag is real: the replica still has the old row, and has not replayed the write.
      expect(await bodyOf(opened.replicas[0]!.prisma)).toBe('v0');
      expect(await reader.fetch(key, loader, options)).toMatchObject({ value: 'v1', status: 'miss' });
      expect(await reader.fetch(key, loader, options)).toMatchObject({ value: 'v1', status: 'hit' });
      expect(sources).toEqual(['replica', 'primary']);

      // Once the replica has replayed the write, fills go back to it.
      await untilReplicaHas(position);
      await writer.invalidateTags(['note:1']);
      expect((await reader.fetch(key, loader, options)).value).toBe('v1');
      expect(sources).toEqual(['replica', 'primary', 'replica']);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it('would be read without the position: the control that makes the test above mean something', async () => {
    const { writer, reader } = caches();
    const reads = router();
    // A loader that ignores ctx.minPosition, as any replica routing without positions does.
    const blind = async () => bodyOf((await reads.readAt(0n)).prisma);
    const key = keyOf('blind');
    try {
      await Promise.all([writer.ready(), reader.ready()]);
      await untilReplicaHas(await primaryPosition(primary.prisma)); // in step before the write
      const before = await bodyOf(primary.prisma);
      const position = await write(writer, 'v2');
      const filled = await reader.fetch(key, blind, options);
      expect(filled.value).toBe(before); // the old row...
      expect((await reader.fetch(key, blind, options)).value).toBe(before); // ...stored for the TTL
      await untilReplicaHas(position);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it("fails over to the primary when it stops between its check and the fill's queries", async () => {
    const reads = router();
    await untilReplicaHas(await primaryPosition(primary.prisma));
    const source = await reads.forFill(0n);
    expect(source.from).toBe('replica'); // it passed its check...
    await servers.stopReplica(); // ...and is gone before the fill reads
    try {
      const expected = await bodyOf(primary.prisma);
      expect(await bodyOf(source.prisma)).toBe(expected); // raw query: answered by the primary
      const rows = await source.prisma.$queryRawUnsafe<Array<{ body: string }>>(
        'SELECT body FROM note WHERE id = $1',
        1,
      );
      expect(rows[0]?.body).toBe(expected);
      expect((await reads.readAt(0n)).from).toBe('primary'); // and it is skipped for a while
    } finally {
      await servers.startReplica();
      await untilReplicaHas(await primaryPosition(primary.prisma));
    }
  });

  it('is skipped while it is down (the primary answers), and used again once it is back', async () => {
    const { writer, reader } = caches();
    const { reads, loader, sources } = routedLoader();
    const key = keyOf('down');
    try {
      await Promise.all([writer.ready(), reader.ready()]);
      await servers.stopReplica();
      await write(writer, 'v3');
      expect((await reader.fetch(key, loader, options)).value).toBe('v3');
      expect((await reads.readAt(0n)).from).toBe('primary'); // uncached reads too
      expect(sources).toEqual(['primary']);

      await servers.startReplica();
      await untilReplicaHas(await primaryPosition(primary.prisma));
      await new Promise((resolve) => setTimeout(resolve, 250)); // past retryAfterMs
      await writer.invalidateTags(['note:1']);
      expect((await reader.fetch(key, loader, options)).value).toBe('v3');
      expect(sources).toEqual(['primary', 'replica']);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });
});
