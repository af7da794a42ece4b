/**
 * N `next start` instances sharing one database and one Redis (single node or cluster), one
 * random session secret (a cookie from one instance works on all) and one metrics token.
 */
import { randomBytes } from 'node:crypto';
import { startWebApp, type WebApp } from './web';

export type CacheBackend = { redisUrl: string } | { clusterNodes: string };

export interface StackOptions {
  databaseUrl: string;
  cache: CacheBackend;
  instances: number;
  /** Defaults to a random one; pass another stack's to keep its session cookies valid. */
  sessionSecret?: string;
  /** Extra environment for every instance (e.g. STASH_FAULT_INJECTION). */
  env?: Record<string, string>;
}

export interface Stack {
  apps: WebApp[];
  sessionSecret: string;
  /** Sent as `Authorization: Bearer` to /api/metrics (STASH_METRICS_TOKEN on the servers). */
  metricsToken: string;
  /** Starts one more instance with the same settings (it is added to `apps`). */
  addInstance(label?: string): Promise<WebApp>;
  stop(): Promise<void>;
}

function cacheEnv(cache: CacheBackend): Record<string, string> {
  return 'redisUrl' in cache ? { REDIS_URL: cache.redisUrl } : { REDIS_CLUSTER_NODES: cache.clusterNodes };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const sessionSecret = opts.sessionSecret ?? randomBytes(32).toString('base64url');
  const metricsToken = randomBytes(24).toString('base64url');
  const apps: WebApp[] = [];
  const addInstance = async (label = `app${apps.length + 1}`) => {
    const app = await startWebApp({
      databaseUrl: opts.databaseUrl,
      label,
      // The parent's Redis settings must not leak in next to the ones chosen here.
      unset: ['REDIS_URL', 'REDIS_CLUSTER_NODES'],
      env: {
        ...cacheEnv(opts.cache),
        SESSION_SECRET: sessionSecret,
        STASH_METRICS_TOKEN: metricsToken,
        ...opts.env,
      },
    });
    apps.push(app);
    return app;
  };
  const stop = async () => {
    await Promise.all(apps.map((app) => app.stop()));
  };
  try {
    // One at a time: two cold starts at once on 2 cores only make both slower.
    for (let i = 0; i < opts.instances; i++) await addInstance();
  } catch (error) {
    await stop();
    throw error;
  }
  return { apps, sessionSecret, metricsToken, addInstance, stop };
}
