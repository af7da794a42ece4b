import { bearerMatches, type OpsAccess, opsAccess, opsRefusal } from '@stash/api';
import { renderMetrics } from '~/server/metrics';
import { getRuntime } from '~/server/runtime';

export const dynamic = 'force-dynamic';

/**
 * Prometheus text format: cache counters and latency histograms plus default process metrics.
 * Admins, or a scraper with `Authorization: Bearer <STASH_METRICS_TOKEN>`.
 */
export async function GET(req: Request): Promise<Response> {
  // Without a runtime (database down) the scraper still gets the process metrics.
  const runtime = await getRuntime().catch(() => null);
  const access: OpsAccess = runtime
    ? await opsAccess(runtime.deps, req, { metricsToken: runtime.config.metricsToken })
    : bearerMatches(req, process.env.STASH_METRICS_TOKEN)
      ? 'granted'
      : 'signed-out';
  const refusal = opsRefusal(access);
  if (refusal) return refusal;
  const { body, contentType } = await renderMetrics(runtime?.deps.cache ?? null);
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
