import { opsAccess, opsRefusal } from '@stash/api';
import { getRuntime } from '~/server/runtime';
import { historySince } from '~/server/stats-history';

export const dynamic = 'force-dynamic';

/**
 * `cache.stats()` as JSON for the dashboard, plus the counter samples newer than `?since=`
 * (epoch ms), so a poll only carries what the client has not seen. Histogram bounds of
 * Infinity become the string "+Inf". Admins only.
 */
export async function GET(req: Request): Promise<Response> {
  const { deps } = await getRuntime();
  const refusal = opsRefusal(await opsAccess(deps, req));
  if (refusal) return refusal;
  const since = Number(new URL(req.url).searchParams.get('since') ?? 0) || 0;
  const body = JSON.stringify(
    { at: Date.now(), ...deps.cache.stats(), history: historySince(since) },
    (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? '+Inf' : value),
  );
  return new Response(body, { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}
