/**
 * The process-wide pieces an HTTP server needs: one database pool, one cache engine, built
 * from the environment. Without DATABASE_URL the embedded PGlite is used; without REDIS_URL
 * the in-process memory store serves alone.
 */
import { type Cache, closeClient, createCache, createRedisClient } from '@stash/cache';
import { openDatabase } from '@stash/db';
import { SignInLimiter } from './auth/rate-limit';
import { cacheRegistry } from './cache-registry';
import { cdnWiring } from './caching/cdn';
import { OutboxRelay } from './caching/outbox';
import { usesReplicas } from './caching/replica-reads';
import { type ApiConfig, loadConfig } from './config';
import type { ApiDeps } from './context';
import { warmUp } from './warm-up';

export interface ApiRuntime {
  deps: ApiDeps;
  config: ApiConfig;
  databaseEmbedded: boolean;
  close(): Promise<void>;
}

const CACHE_KEY_PREFIX = 'stash';

export function createCacheFromConfig(config: ApiConfig, prefix = CACHE_KEY_PREFIX): Cache {
  return createCache({
    prefix,
    redis: config.redis,
    l1: config.l1,
    timeoutMs: config.cacheTimeoutMs,
    unsafeEviction: config.unsafeEviction,
    // Every namespace up front: invalidation reaches each of them even right after Redis forgot
    // which namespaces were registered (restart, flush).
    namespaces: cacheRegistry.namespaces(),
  });
}

export async function createApiRuntime(config: ApiConfig = loadConfig()): Promise<ApiRuntime> {
  const db = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
    poolMax: config.databasePoolMax,
    replicaUrls: config.databaseReplicaUrls,
    migrate: true,
  });
  const cache = createCacheFromConfig(config);
  await warmUp(db.prisma);
  const cdn = cdnWiring(config.cdn);
  // Delivers invalidations whose writer crashed after commit or could not reach Redis (and
  // their CDN purge, when one is configured).
  const relay = new OutboxRelay(db.prisma, cache, undefined, {
    positions: usesReplicas(db),
    purge: cdn?.purge,
  });
  relay.start();
  // Sign-in counters shared by every instance (auth/rate-limit.ts); their own connection, so a
  // flood of sign-ins never queues behind the cache's commands or the other way round.
  const limiterRedis = config.redis ? createRedisClient(config.redis, 'command') : undefined;
  return {
    config,
    databaseEmbedded: db.embedded,
    deps: {
      prisma: db.prisma,
      reads: db.reads,
      cache,
      cacheKeyPrefix: CACHE_KEY_PREFIX,
      sessionSecret: config.sessionSecret,
      adminEmails: config.adminEmails,
      secureCookies: config.production,
      faultInjection: config.faultInjection,
      signInLimiter: new SignInLimiter({
        ...(limiterRedis ? { redis: limiterRedis } : {}),
        keyPrefix: CACHE_KEY_PREFIX,
      }),
      cdnMaxLagMs: config.cdnMaxLagMs,
      ...(cdn ? { cdn } : {}),
    },
    async close() {
      await relay.stop();
      if (limiterRedis) await closeClient(limiterRedis);
      await cache.close();
      await db.close();
    },
  };
}
