/**
 * The one handler behind every /api/trpc route (app/api/trpc/: the `[trpc]` catch-all and a static
 * route per public cached procedure). The whole endpoint (fetch adapter, batching, stored
 * responses, `x-stash-cache`) lives in @stash/api, where it is tested without Next.
 */
import { handleTrpcRequest } from '@stash/api';
import { getRuntime, readyRuntime } from './runtime';

/**
 * The caller's address for per-address sign-in limits: the rightmost `x-forwarded-for` entry,
 * which is what the nearest proxy saw (next start fills the header with the socket address
 * when no proxy set it). Without a proxy in front a client can choose it: see docs/reliability.md.
 */
function clientAddress(req: Request): string | null {
  return req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() || null;
}

/**
 * Not async: a stored L1 hit comes back as a plain Response, and every promise costs more inside
 * Next (async hooks) than the hit itself.
 */
export function trpcHandler(req: Request): Response | Promise<Response> {
  const address = clientAddress(req);
  const ready = readyRuntime();
  if (ready) return handleTrpcRequest(req, ready.deps, { clientAddress: address });
  return getRuntime().then(({ deps }) => handleTrpcRequest(req, deps, { clientAddress: address }));
}
