/**
 * /api/metrics as Prometheus reads it: call counts are kept as plain numbers on the hot path and
 * handed to prom-client at scrape time (metrics.ts), so a scrape must report each call exactly
 * once, however often it runs. The engine is the in-process memory store, a product tier.
 */
import { buildCacheKey, type Cache, createCache } from '@stash/cache';
import { afterEach, describe, expect, it } from 'vitest';
import { attachCacheMetrics, renderMetrics } from '../src/server/metrics';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function memoryCache(): Cache {
  const cache = createCache({
    prefix: `web-metrics-${process.pid}`,
    l1: { maxEntries: 100, maxBytes: 1_000_000 },
    logger: { warn: () => {}, info: () => {} },
  });
  cleanups.push(() => cache.close(), attachCacheMetrics(cache));
  return cache;
}

function calls(text: string, procedure: string, tier: string, status: string): number | undefined {
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(`stash_cache_calls_total{procedure="${procedure}",tier="${tier}",status="${status}"}`),
    );
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('cache metrics', () => {
  it('reports each call once by procedure, tier and status, scrape after scrape', async () => {
    const cache = memoryCache();
    const procedure = `metrics.test${Date.now()}`;
    const key = buildCacheKey({
      prefix: 'p',
      version: 'v1',
      path: procedure,
      scope: 'public',
      input: { q: 'x' },
    });
    const loader = async () => ({ items: [1, 2, 3] });
    for (let i = 0; i < 3; i++) await cache.fetch(key, loader, { ttlMs: 60_000 });

    for (let scrape = 0; scrape < 2; scrape++) {
      const { body, contentType } = await renderMetrics(cache);
      expect(contentType).toContain('text/plain');
      expect(calls(body, procedure, 'loader', 'miss')).toBe(1);
      expect(calls(body, procedure, 'l1', 'hit')).toBe(2);
    }

    await cache.fetch(key, loader, { ttlMs: 60_000 });
    expect(calls((await renderMetrics(cache)).body, procedure, 'l1', 'hit')).toBe(3);
  });
});
