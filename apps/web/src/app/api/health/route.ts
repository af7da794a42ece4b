import { checkHealth } from '~/server/health';
import { getRuntime } from '~/server/runtime';

export const dynamic = 'force-dynamic';

/** Liveness + readiness (server/health.ts). */
export async function GET(): Promise<Response> {
  const { status, body } = await checkHealth(getRuntime);
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}
