import { renderMetrics } from '~/server/metrics';
import { getRuntime } from '~/server/runtime';

export const dynamic = 'force-dynamic';

/** Prometheus text format: cache counters and latency histograms plus default process metrics. */
export async function GET(): Promise<Response> {
  const runtime = await getRuntime().catch(() => null);
  const { body, contentType } = await renderMetrics(runtime?.deps.cache ?? null);
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
