/** Every environment variable the API reads, parsed once. README's configuration table mirrors this. */
import { z } from 'zod';

const DEV_SESSION_SECRET = 'stash-dev-only-session-secret-change-me-please';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z.string().url().optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  STASH_ADMIN_EMAILS: z.string().optional(),
  CACHE_TIMEOUT_MS: z.coerce.number().int().min(1).max(5000).default(100),
  STASH_FAULT_INJECTION: z.enum(['0', '1']).default('0'),
  CACHE_UNSAFE_EVICTION: z.enum(['warn', 'refuse']).default('warn'),
  CACHE_L1_MAX_ENTRIES: z.coerce.number().int().min(0).default(10_000),
  CACHE_L1_MAX_MB: z.coerce.number().min(0).default(64),
});

export interface ApiConfig {
  production: boolean;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  redis: string | { cluster: { host: string; port: number }[] } | undefined;
  sessionSecret: string;
  adminEmails: string[];
  cacheTimeoutMs: number;
  /** What to do when Redis could evict tag marks (an allkeys-* policy). */
  unsafeEviction: 'warn' | 'refuse';
  /** The fault suite's hooks (x-stash-fault header); never set in a real deployment. */
  faultInjection: boolean;
  l1: { maxEntries: number; maxBytes: number } | false;
}

function parseClusterNodes(value: string) {
  return value.split(',').map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.SESSION_SECRET) {
    throw new Error('SESSION_SECRET is required in production (32+ random characters).');
  }
  return {
    production,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redis: e.REDIS_CLUSTER_NODES ? { cluster: parseClusterNodes(e.REDIS_CLUSTER_NODES) } : e.REDIS_URL,
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    // The demo admin only outside production: a deployment names its admins explicitly.
    adminEmails: (e.STASH_ADMIN_EMAILS ?? (production ? '' : 'ada@stash.dev'))
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    cacheTimeoutMs: e.CACHE_TIMEOUT_MS,
    faultInjection: e.STASH_FAULT_INJECTION === '1',
    unsafeEviction: e.CACHE_UNSAFE_EVICTION,
    l1:
      e.CACHE_L1_MAX_ENTRIES > 0
        ? { maxEntries: e.CACHE_L1_MAX_ENTRIES, maxBytes: Math.round(e.CACHE_L1_MAX_MB * 1024 * 1024) }
        : false,
  };
}
