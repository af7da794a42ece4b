/** Every environment variable the API reads, parsed once. README's configuration table mirrors this. */
import { type CdnConfig, loadCdnConfig } from '@stash/cdn';
import { replicaUrlsFrom } from '@stash/db';
import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from './client-address';
import { devSessionSecret } from './dev-secret';

/** Once the built-in default, so public: refused even when set explicitly. */
const PUBLISHED_SECRETS = new Set(['stash-dev-only-session-secret-change-me-please']);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Read replicas for cache fills, comma-separated; unset: everything on DATABASE_URL. */
  DATABASE_REPLICA_URLS: z.string().optional(),
  REDIS_URL: z.string().url().optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  SESSION_SECRET: z
    .string()
    .min(32, 'SESSION_SECRET must be at least 32 characters')
    .refine(
      (s) => !PUBLISHED_SECRETS.has(s),
      'SESSION_SECRET is a published example value; generate your own',
    )
    .optional(),
  /** `1`: this is a developer's machine (pnpm dev / demo): a kept random secret, ada is admin. */
  STASH_DEV: z.enum(['0', '1']).optional(),
  STASH_ADMIN_EMAILS: z.string().optional(),
  /** Lets a Prometheus scraper read /api/metrics with `Authorization: Bearer <token>`. */
  STASH_METRICS_TOKEN: z.string().min(16, 'STASH_METRICS_TOKEN must be at least 16 characters').optional(),
  CACHE_TIMEOUT_MS: z.coerce.number().int().min(1).max(5000).default(100),
  STASH_FAULT_INJECTION: z.enum(['0', '1']).default('0'),
  CACHE_UNSAFE_EVICTION: z.enum(['warn', 'refuse']).default('refuse'),
  CACHE_L1_MAX_ENTRIES: z.coerce.number().int().min(0).default(10_000),
  CACHE_L1_MAX_MB: z.coerce.number().min(0).default(64),
  /** Seconds a CDN may serve a public answer a write can change (s-maxage); 0: revalidate. */
  STASH_CDN_MAX_LAG_S: z.coerce.number().int().min(0).max(3600).default(0),
  /** Proxies whose x-forwarded-for entries are believed (IPs and CIDRs); unset: none. */
  STASH_TRUSTED_PROXIES: z.string().optional(),
});

export interface ApiConfig {
  production: boolean;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  /** Streaming replicas cache fills may read once they have replayed the writes (none: primary only). */
  databaseReplicaUrls: string[];
  redis: string | { cluster: { host: string; port: number }[] } | undefined;
  sessionSecret: string;
  adminEmails: string[];
  metricsToken: string | undefined;
  cacheTimeoutMs: number;
  /** What to do when Redis could evict tag marks (an allkeys-* policy). */
  unsafeEviction: 'warn' | 'refuse';
  /** The fault suite's hooks (x-stash-fault header); never set in a real deployment. */
  faultInjection: boolean;
  l1: { maxEntries: number; maxBytes: number } | false;
  /** How long a CDN may keep serving a public answer that a write can change (ms). */
  cdnMaxLagMs: number;
  /** The CDN purged by tag (the STASH_CDN* settings, `@stash/cdn`); `none` by default. */
  cdn: CdnConfig;
  /** Whose `x-forwarded-for` entries name the client (client-address.ts); null: nobody's. */
  trustedProxies: TrustedProxies;
}

function parseClusterNodes(value: string) {
  return value.split(',').map((node) => {
    const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
    return { host, port: Number(port) };
  });
}

/**
 * Without SESSION_SECRET the server refuses to start, whatever NODE_ENV says (an unset NODE_ENV
 * used to mean a public secret anyone could seal an admin cookie with). Only the explicit
 * STASH_DEV=1 flag lets it generate and keep a secret of its own (`devSecret`).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  devSecret: () => string = devSessionSecret,
): ApiConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const dev = e.STASH_DEV === '1';
  if (!e.SESSION_SECRET && !dev) {
    throw new Error(
      'SESSION_SECRET is required (32+ random characters, e.g. `openssl rand -base64 32`). ' +
        'On a development machine set STASH_DEV=1 instead (pnpm dev and pnpm demo do).',
    );
  }
  return {
    production,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    databaseReplicaUrls: replicaUrlsFrom(e.DATABASE_REPLICA_URLS),
    redis: e.REDIS_CLUSTER_NODES ? { cluster: parseClusterNodes(e.REDIS_CLUSTER_NODES) } : e.REDIS_URL,
    sessionSecret: e.SESSION_SECRET ?? devSecret(),
    // The demo admin only on a development machine: a deployment names its admins explicitly.
    adminEmails: (e.STASH_ADMIN_EMAILS ?? (dev ? 'ada@stash.dev' : ''))
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    metricsToken: e.STASH_METRICS_TOKEN,
    cacheTimeoutMs: e.CACHE_TIMEOUT_MS,
    faultInjection: e.STASH_FAULT_INJECTION === '1',
    unsafeEviction: e.CACHE_UNSAFE_EVICTION,
    cdnMaxLagMs: e.STASH_CDN_MAX_LAG_S * 1000,
    cdn: loadCdnConfig(env),
    trustedProxies: parseTrustedProxies(e.STASH_TRUSTED_PROXIES),
    l1:
      e.CACHE_L1_MAX_ENTRIES > 0
        ? { maxEntries: e.CACHE_L1_MAX_ENTRIES, maxBytes: Math.round(e.CACHE_L1_MAX_MB * 1024 * 1024) }
        : false,
  };
}
