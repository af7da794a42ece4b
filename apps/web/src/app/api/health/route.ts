import { getRuntime } from '~/server/runtime';

export const dynamic = 'force-dynamic';

/** Liveness + readiness: 200 when the database answers, 503 otherwise. The cache never fails it. */
export async function GET(): Promise<Response> {
  const started = performance.now();
  try {
    const runtime = await getRuntime();
    let database: { ok: boolean; error?: string };
    try {
      await runtime.deps.prisma.$queryRaw`SELECT 1`;
      database = { ok: true };
    } catch (error) {
      database = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const stats = runtime.deps.cache.stats();
    const body = {
      ok: database.ok,
      // STASH_DATABASE_EMBEDDED: set by `pnpm demo`, whose process hosts the embedded database.
      database: {
        ...database,
        embedded: runtime.databaseEmbedded || process.env.STASH_DATABASE_EMBEDDED === '1',
      },
      cache: { breaker: stats.breaker, redis: runtime.config.redis !== undefined, l1: stats.l1 },
      tookMs: Math.round((performance.now() - started) * 10) / 10,
    };
    return Response.json(body, { status: database.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Response.json(
      { ok: false, database: { ok: false, error: `runtime failed to start: ${message}` } },
      { status: 503, headers: { 'cache-control': 'no-store' } },
    );
  }
}
