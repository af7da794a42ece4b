/**
 * L1 is kept coherent by bus messages: a value read from Redis before an invalidation reached
 * this process must not enter L1 after it, or it would be served locally until its TTL. The
 * proxy holds Redis's reply to the read until the invalidation has been heard on the bus.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildCacheKey, createCache } from '../src/index';
import { startProxy } from './support/proxy';
import { busMessage, memoryLogger, startRedis, uniquePrefix } from './support/redis';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('L1 coherence', () => {
  it('never keeps in L1 a value whose read was answered after an invalidation was heard', async () => {
    const server = await startRedis();
    cleanups.push(() => server.stop());
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.close());
    const prefix = uniquePrefix('l1');
    const l1 = { maxEntries: 100, maxBytes: 1_000_000 };
    const writer = createCache({ prefix, redis: server.url, l1, logger: memoryLogger() });
    const reader = createCache({ prefix, redis: proxy.url, l1, logger: memoryLogger() });
    cleanups.push(() => Promise.all([writer.close(), reader.close()]));
    await Promise.all([writer.ready(), reader.ready()]);
    const key = buildCacheKey({ prefix, version: 'v1', path: 'agents.list', scope: 'public', input: 1 });
    const options = { ttlMs: 60_000, tags: ['agent:1'], l1: true };
    let db = 'old';
    await writer.fetch(key, () => db, options);
    // Registers the namespace, so the read below sends its MGET at once.
    await reader.fetch(
      buildCacheKey({ prefix, version: 'v1', path: 'agents.list', scope: 'public', input: 2 }),
      () => 0,
      options,
    );

    proxy.holdReplies();
    const early = reader.fetch(key, () => db, options); // Redis answers 'old', fresh; the reply waits
    db = 'new';
    const heard = busMessage(reader);
    await writer.invalidateTags(['agent:1']); // the mutation returns
    await heard;
    proxy.releaseReplies();
    expect((await early).value).toBe('old'); // began before the write: allowed
    expect((await reader.fetch(key, () => db, options)).value).toBe('new');
  });
});
