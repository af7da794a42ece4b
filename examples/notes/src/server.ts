// One server instance: a standalone tRPC HTTP server with its own cache engine (its own Redis
// connections, and its own L1 if enabled). Several instances on one Redis share the cache.
import type { AddressInfo } from 'node:net';
import { type Cache, createCache } from '@stash/cache';
import { CacheReport, formatCacheReport, InvalidationLog } from '@stash/trpc-cache';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import type { Pool } from 'pg';
import { appRouter, type Context, cachedNamespaces } from './router.js';

export interface NotesServerOptions {
  db: Pool;
  redisUrl: string;
  /** First segment of every Redis key this app writes. */
  cachePrefix: string;
  port?: number;
}

export interface NotesServer {
  url: string;
  cache: Cache;
  close(): Promise<void>;
}

export async function startNotesServer(options: NotesServerOptions): Promise<NotesServer> {
  const cache = createCache({
    prefix: options.cachePrefix,
    redis: options.redisUrl,
    namespaces: cachedNamespaces,
  });
  const server = createHTTPServer({
    router: appRouter,
    createContext: (): Context => ({
      db: options.db,
      cache,
      report: new CacheReport(),
      invalidations: new InvalidationLog(),
    }),
    // What the cache did for this request, for people (curl -i) and for the test.
    responseMeta({ ctx }) {
      const headers: Record<string, string> = {};
      const report = ctx && formatCacheReport(ctx.report);
      if (report) headers['x-cache'] = report;
      if (ctx && !ctx.invalidations.empty) headers['x-invalidated'] = [...ctx.invalidations.hard].join(', ');
      return { headers };
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cache,
    async close() {
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeAllConnections();
      await closed;
      await cache.close();
    },
  };
}
