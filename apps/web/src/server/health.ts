/**
 * What /api/health answers: 200 when the database answers, 503 otherwise. The cache never fails
 * it. The endpoint is public, so a failure is said in generic words: the driver's own text
 * (host names, user names, SQL) goes to the server log only.
 */
import type { ApiRuntime } from '@stash/api';

export interface HealthAnswer {
  status: number;
  body: Record<string, unknown>;
}

type HealthRuntime = Pick<ApiRuntime, 'databaseEmbedded' | 'config'> & {
  deps: Pick<ApiRuntime['deps'], 'prisma' | 'cache'>;
};

const DATABASE_DOWN = 'The database is not answering.';
const RUNTIME_DOWN = 'The server could not start its database or cache.';

export async function checkHealth(runtime: () => Promise<HealthRuntime>): Promise<HealthAnswer> {
  const started = performance.now();
  let rt: HealthRuntime;
  try {
    rt = await runtime();
  } catch (error) {
    console.error('[health] runtime failed to start:', error);
    return { status: 503, body: { ok: false, database: { ok: false, error: RUNTIME_DOWN } } };
  }
  let database: { ok: boolean; error?: string };
  try {
    await rt.deps.prisma.$queryRaw`SELECT 1`;
    database = { ok: true };
  } catch (error) {
    console.error('[health] database check failed:', error);
    database = { ok: false, error: DATABASE_DOWN };
  }
  const stats = rt.deps.cache.stats();
  const body = {
    ok: database.ok,
    // STASH_DATABASE_EMBEDDED: set by `pnpm demo`, whose process hosts the embedded database.
    database: {
      ...database,
      embedded: rt.databaseEmbedded || process.env.STASH_DATABASE_EMBEDDED === '1',
    },
    cache: { breaker: stats.breaker, redis: rt.config.redis !== undefined, l1: stats.l1 },
    tookMs: Math.round((performance.now() - started) * 10) / 10,
  };
  return { status: database.ok ? 200 : 503, body };
}
