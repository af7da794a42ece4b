/**
 * Positions: a write records where it left the database with the tags it invalidates, and the
 * next fill of an entry with one of those tags learns the newest one before its loader runs
 * (`ctx.minPosition`), so the loader can avoid a database replica that has not replayed the write.
 * Against a throw-away single node, the memory store and a 3-master cluster.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { buildCacheKey, type Cache, createCache, type LoaderContext } from '../src/index';
import { memoryLogger, sleep, uniquePrefix, useCluster } from './support/redis';
import { useThrowAwayRedis } from './support/throw-away-redis';

const redis = useThrowAwayRedis();

const PATH = 'agents.get';
// Above 2^53 (Lua and JS numbers lose the low bits there) and differing only in the low half.
const HIGH = (1n << 60n) + 7n;
const HIGHER = HIGH + 1n;

type Kind = 'redis' | 'memory';

function engines(kind: Kind, extra: { maxLifetimeMs?: number } = {}) {
  const prefix = uniquePrefix('pos');
  const make = () =>
    createCache({
      prefix,
      ...(kind === 'redis' ? { redis: redis.server.url, l1: false as const } : {}),
      logger: memoryLogger(),
      ...extra,
    });
  const writer = make();
  // The memory store is one process's whole cache: "another instance" is the same engine.
  const reader = kind === 'redis' ? make() : writer;
  redis.caches.push(...new Set([writer, reader]));
  const key = (input: unknown) =>
    buildCacheKey({ prefix, version: 'v1', path: PATH, scope: 'public', input });
  return { writer, reader, key, prefix };
}

/** Fetches through `cache` and returns what the loader was told (undefined: it did not run). */
async function minPositionSeen(
  cache: Cache,
  key: string,
  options: { tags: string[]; tagsFromValue?: (value: number) => string[] },
): Promise<bigint | undefined | 'not run'> {
  let seen: bigint | undefined | 'not run' = 'not run';
  await cache.fetch(
    key,
    (ctx: LoaderContext) => {
      seen = ctx.minPosition;
      return 1;
    },
    { ttlMs: 60_000, l1: false, ...options },
  );
  return seen;
}

describe.each(['redis', 'memory'] as const)('positions (%s store)', (kind) => {
  it('hands the newest recorded position of the entry tags to the next fill, and none to a hit', async () => {
    const { writer, reader, key } = engines(kind);
    expect(await minPositionSeen(reader, key(1), { tags: ['agent:1'] })).toBe(0n); // nothing recorded yet
    await writer.invalidateTags(['agent:1'], { position: HIGH });
    await writer.invalidateTags(['agent:1'], { position: HIGHER }); // newer by its lowest bit
    await writer.invalidateTags(['agent:1'], { position: HIGH }); // older: the newest is kept
    await writer.invalidateTags(['agent:2'], { position: 5n });
    expect(await minPositionSeen(reader, key(1), { tags: ['agent:1', 'agent:2'] })).toBe(HIGHER);
    expect(await minPositionSeen(reader, key(1), { tags: ['agent:1', 'agent:2'] })).toBe('not run');
    expect(await minPositionSeen(reader, key(2), { tags: ['agent:2'] })).toBe(5n);
    // An invalidation without a position leaves the recorded one alone.
    await writer.invalidateTags(['agent:2']);
    expect(await minPositionSeen(reader, key(2), { tags: ['agent:2'] })).toBe(5n);
  });

  it('prime records its position for the other entries of its tags', async () => {
    const { writer, reader, key } = engines(kind);
    const since = await writer.clockBefore(PATH);
    if (since === undefined) throw new Error('no clock');
    await writer.prime(key('count'), 3, { ttlMs: 60_000, tags: ['agent:3'], position: HIGH }, since);
    expect(await minPositionSeen(reader, key('page'), { tags: ['agent:3'] })).toBe(HIGH);
  });

  it('tells a bypassing loader nothing (it must read the primary)', async () => {
    const { writer, key } = engines(kind);
    await writer.invalidateTags(['agent:1'], { position: HIGH });
    let seen: bigint | undefined = 0n;
    await writer.fetch(
      key(1),
      (ctx) => {
        seen = ctx.minPosition;
        return 1;
      },
      { ttlMs: 60_000, tags: ['agent:1'], mode: 'bypass' },
    );
    expect(seen).toBeUndefined();
  });
});

describe('positions in redis', () => {
  // Redis keeps a hard-invalidated entry until it expires, and its tags with it; the memory
  // store frees it at once. A tag derived from the value of an entry that is gone is not known
  // before the loader runs (docs/cache-engine.md, "Positions").
  it('knows the positions of tags the previous entry derived from its value', async () => {
    const { writer, reader, key } = engines('redis');
    const derived = { tags: ['list'], tagsFromValue: () => ['agent:9'] };
    await minPositionSeen(reader, key('list'), derived); // cached, carrying agent:9
    await writer.invalidateTags(['agent:9'], { position: HIGH });
    expect(await minPositionSeen(reader, key('list'), derived)).toBe(HIGH);
  });

  it('are stored without a TTL beside the marks and pruned with them', async () => {
    const { writer, prefix } = engines('redis', { maxLifetimeMs: 300 });
    const name = `${prefix}:{${PATH}}:tg:p:agent:1`;
    // Marked in the namespaces it knows: make this one known first.
    await writer.fetch(
      buildCacheKey({ prefix, version: 'v1', path: PATH, scope: 'public', input: 1 }),
      () => 1,
      {
        ttlMs: 100,
        l1: false,
      },
    );
    await writer.invalidateTags(['agent:1'], { position: HIGH });
    expect(await redis.admin.get(name)).toBe(HIGH.toString(16).padStart(16, '0'));
    expect(await redis.admin.pttl(name)).toBe(-1);
    await sleep(400);
    await writer.invalidateTags(['agent:other']); // any marking script prunes what outlived entries
    expect(await redis.admin.exists(name)).toBe(0);
  });

  it('a replayed invalidation (Redis was away) still carries its position', async () => {
    const { writer, reader, key } = engines('redis');
    await minPositionSeen(reader, key(1), { tags: ['agent:1'] }); // the namespace is known
    const paused = new Redis(redis.server.url);
    try {
      await paused.client('PAUSE', '1500', 'ALL'); // the writer's marks cannot land now
      expect(await writer.invalidateTags(['agent:1'], { position: HIGH })).toBe(false);
    } finally {
      paused.disconnect();
    }
    await sleep(1600);
    // The writer's next read replays the bump before it reads, position included.
    expect(await minPositionSeen(writer, key(1), { tags: ['agent:1'] })).toBe(HIGH);
  });
});

describe('positions on a cluster', () => {
  const cluster = useCluster();

  it('are recorded in every namespace and read by fills on their own masters', async () => {
    const prefix = uniquePrefix('pos-cluster');
    const paths = ['marketplace.search', 'templates.list', 'workspaces.get', 'agents.get'];
    const make = () =>
      createCache({
        prefix,
        redis: { cluster: cluster.nodes },
        l1: false,
        timeoutMs: 500,
        namespaces: paths,
        logger: memoryLogger(),
      });
    const writer = make();
    const reader = make();
    try {
      await Promise.all([writer.ready(), reader.ready()]);
      const key = (path: string) => buildCacheKey({ prefix, version: 'v1', path, scope: 'public', input: 1 });
      for (const path of paths)
        expect(await minPositionSeen(reader, key(path), { tags: ['agent:1'] })).toBe(0n);
      await writer.invalidateTags(['agent:1'], { position: HIGH });
      await writer.invalidateTags(['agent:1'], { soft: true, position: HIGHER });
      for (const path of paths)
        expect(await minPositionSeen(reader, key(path), { tags: ['agent:1'] })).toBe(HIGHER);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });
});
