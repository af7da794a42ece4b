/** Two engine instances sharing the real Redis, with a unique prefix per test and cleanup. */
import { Redis } from 'ioredis';
import { afterAll, afterEach } from 'vitest';
import { buildCacheKey, type Cache, type CacheOptions, createCache } from '../../src/index';
import { deletePrefix, memoryLogger, REDIS_URL, uniquePrefix } from './redis';

export const raw = new Redis(REDIS_URL);
const caches: Cache[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
  for (const prefix of prefixes.splice(0)) await deletePrefix(raw, prefix);
});
afterAll(async () => {
  await raw.quit();
});

/** Deleted after the test like the prefixes `pair` makes. */
export function trackPrefix(name: string): string {
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  return prefix;
}

export async function pair(overrides: Partial<CacheOptions> = {}) {
  const prefix = trackPrefix('redis');
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

export function counter<T>(make: (n: number) => T | Promise<T>) {
  let runs = 0;
  return { loader: async () => make(++runs), runs: () => runs };
}
