/**
 * One fresh PostgreSQL database (migrated + small seed) and one cache engine with a unique
 * key prefix per test file, so files never see each other's rows or entries.
 */
import { randomBytes } from 'node:crypto';
import { type Cache, type CacheOptions, createCache } from '@stash/cache';
import { createTestDatabase, type TestDatabase } from '@stash/db/testing';
import { Redis } from 'ioredis';
import { type ApiDeps, type CacheMode, type Context, createCaller, createContextInner } from '../../src';
import type { Session } from '../../src/auth/session';
import { cacheRegistry } from '../../src/cache-registry';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADA = 'ada@stash.dev';
export const GRACE = 'grace@stash.dev';

export interface Harness {
  db: TestDatabase;
  cache: Cache;
  deps: ApiDeps;
  session(email: string): Promise<Session>;
  /** The id of a workspace the user is a member of (the first one found). */
  workspaceOf(email: string): Promise<number>;
  /** A caller plus its context, so tests can read `ctx.cacheReport` after a call. */
  as(
    email: string | null,
    cacheMode?: CacheMode,
  ): Promise<{ api: ReturnType<typeof createCaller>; ctx: Context }>;
  /** Another API instance (own cache engine with L1) on the same database and Redis prefix. */
  sibling(): Promise<Pick<Harness, 'cache' | 'as' | 'deps'>>;
  close(): Promise<void>;
}

export async function createHarness(
  opts: { redis?: CacheOptions['redis'] | null; l1?: CacheOptions['l1'] } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  const prefix = `stash-test-${randomBytes(4).toString('hex')}`;
  const makeCache = (l1: CacheOptions['l1']) =>
    createCache({
      prefix,
      redis: opts.redis === null ? undefined : (opts.redis ?? REDIS_URL),
      l1,
      namespaces: cacheRegistry.namespaces(),
      // Generous: these tests are about the API's answers, not about how fast this machine is
      // (timeouts have their own tests in packages/cache).
      timeoutMs: 1000,
    });
  const makeDeps = (cache: Cache): ApiDeps => ({
    prisma: db.prisma,
    cache,
    cacheKeyPrefix: prefix,
    sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
    adminEmails: [ADA],
  });
  const cache = makeCache(opts.l1 ?? false);
  await cache.ready(2_000);
  const deps = makeDeps(cache);
  const siblings: Cache[] = [];

  async function session(email: string): Promise<Session> {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email } });
    return { userId: user.id, email: user.email, name: user.name };
  }

  const callerFor =
    (instance: ApiDeps): Harness['as'] =>
    async (email, cacheMode) => {
      const ctx = createContextInner(instance, {
        session: email ? await session(email) : null,
        ...(cacheMode ? { cacheMode } : {}),
      });
      return { api: createCaller(ctx), ctx };
    };

  return {
    db,
    cache,
    deps,
    session,
    async workspaceOf(email) {
      const { userId } = await session(email);
      return (await db.prisma.workspaceMember.findFirstOrThrow({ where: { userId } })).workspaceId;
    },
    as: callerFor(deps),
    async sibling() {
      const other = makeCache({ maxEntries: 1000, maxBytes: 10_000_000 });
      siblings.push(other);
      await other.ready(2_000);
      const otherDeps = makeDeps(other);
      return { cache: other, deps: otherDeps, as: callerFor(otherDeps) };
    },
    async close() {
      await Promise.all([cache, ...siblings].map((c) => c.close()));
      await db.drop();
      if (opts.redis !== null) await deleteKeys(opts.redis ?? REDIS_URL, prefix);
    },
  };
}

/** Leaves the shared Redis as it was: entries, tag counters, namespace set of this prefix. */
async function deleteKeys(redis: CacheOptions['redis'], prefix: string): Promise<void> {
  if (typeof redis !== 'string') return;
  const client = new Redis(redis, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => {}); // the dead-port tests: the failed connect is expected
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis not reachable (the dead-port tests): nothing was written there.
  } finally {
    client.disconnect();
  }
}

/** Runs `fn` and returns how many SQL statements it sent, with its result. */
export async function countQueries<T>(
  h: Harness,
  fn: () => Promise<T>,
): Promise<{ result: T; queries: number }> {
  h.db.queries.reset();
  const result = await fn();
  return { result, queries: h.db.queries.count };
}
