/**
 * A write-through is delivered only once other instances have been told: their L1 copies are
 * dropped by the bus message alone. Here the writer's Redis user may not PUBLISH (an ACL on a
 * throw-away Redis), so the message fails for certain while the marks and the value land.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCacheKey, type Cache, createCache } from '../src/index';
import { busMessage, memoryLogger, startRedis, uniquePrefix } from './support/redis';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An install count of 5 that `reader` answers from its L1. */
async function countInL1(reader: Cache, prefix: string) {
  const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.count', scope: 'public', input: 1 });
  const options = { ttlMs: 60_000, tags: ['agent:1:installs'], l1: true };
  await reader.fetch(key, () => 5, options);
  expect(await reader.fetch(key, () => 5, options)).toMatchObject({ value: 5, tier: 'l1' });
  return { key, options };
}

describe('announcing a write-through', () => {
  it('reports the write undelivered when its bus message fails, and a re-delivery reaches the other L1', async () => {
    const server = await startRedis();
    cleanups.push(() => server.stop());
    const admin = new Redis(server.url);
    cleanups.push(() => admin.quit());
    await admin.call('ACL', 'SETUSER', 'mute', 'on', 'nopass', '~*', '&*', '+@all', '-publish');
    const prefix = uniquePrefix('announce');
    const l1 = { maxEntries: 100, maxBytes: 1_000_000 };
    const writer = createCache({
      prefix,
      redis: `redis://mute:x@127.0.0.1:${server.port}`,
      l1,
      logger: memoryLogger(),
    });
    const reader = createCache({ prefix, redis: server.url, l1, logger: memoryLogger() });
    const relay = createCache({ prefix, redis: server.url, l1: false, logger: memoryLogger() });
    cleanups.push(() => Promise.all([writer.close(), reader.close(), relay.close()]));
    await Promise.all([reader.ready(), relay.ready()]);
    const { key, options } = await countInL1(reader, prefix);
    let count = 5;

    const since = await writer.clockBefore('agents.count');
    if (since === undefined) throw new Error('no clock');
    count = 6; // committed
    await expect(writer.prime(key, 6, options, since)).rejects.toThrow(/bus message/);

    // The caller kept its outbox row: the relay delivers the invalidation, bus message included.
    const heard = busMessage(reader);
    expect(await relay.invalidateTags(['agent:1:installs'])).toBe(true);
    await heard;
    expect((await reader.fetch(key, () => count, options)).value).toBe(6);
  });

  it("tells the other instances: their L1 copy is dropped when the write-through's message arrives", async () => {
    const server = await startRedis();
    cleanups.push(() => server.stop());
    const prefix = uniquePrefix('announce');
    const l1 = { maxEntries: 100, maxBytes: 1_000_000 };
    const writer = createCache({ prefix, redis: server.url, l1, logger: memoryLogger() });
    const reader = createCache({ prefix, redis: server.url, l1, logger: memoryLogger() });
    cleanups.push(() => Promise.all([writer.close(), reader.close()]));
    await Promise.all([writer.ready(), reader.ready()]);
    const { key, options } = await countInL1(reader, prefix);
    let count = 5;
    const since = await writer.clockBefore('agents.count');
    if (since === undefined) throw new Error('no clock');
    count = 6;
    const heard = busMessage(reader); // without the message the reader's L1 answers 5 until its TTL
    expect(await writer.prime(key, 6, options, since)).toBe(true);
    await heard;
    expect(await reader.fetch(key, () => count, options)).toMatchObject({ value: 6, status: 'hit' });
  });
});
