/**
 * The process-wide pieces an HTTP server needs: one database pool, one cache engine, built
 * from the environment. Without DATABASE_URL the embedded PGlite is used; without REDIS_URL
 * the in-process memory store serves alone.
 */
import { type Cache, createCache } from '@stash/cache';
import { openDatabase } from '@stash/db';
import { SignInLimiter } from './auth/rate-limit';
import { type ApiConfig, loadConfig } from './config';
import type { ApiDeps } from './context';

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
  });
}

export async function createApiRuntime(config: ApiConfig = loadConfig()): Promise<ApiRuntime> {
  const db = await openDatabase({
    ...(config.databaseUrl ? { url: config.databaseUrl } : {}),
    poolMax: config.databasePoolMax,
    migrate: true,
  });
  const cache = createCacheFromConfig(config);
  return {
    config,
    databaseEmbedded: db.embedded,
    deps: {
      prisma: db.prisma,
      cache,
      cacheKeyPrefix: CACHE_KEY_PREFIX,
      sessionSecret: config.sessionSecret,
      adminEmails: config.adminEmails,
      secureCookies: config.production,
      signInLimiter: new SignInLimiter(),
    },
    async close() {
      await cache.close();
      await db.close();
    },
  };
}
