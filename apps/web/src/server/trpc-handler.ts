/**
 * The one handler behind every /api/trpc route (app/api/trpc/: the `[trpc]` catch-all and a static
 * route per public cached procedure). The whole endpoint (fetch adapter, batching, stored
 * responses, `x-stash-cache`) lives in @stash/api, where it is tested without Next.
 */
import { type ApiRuntime, handleTrpcRequest } from '@stash/api';
import { clientAddress } from './client-address';
import { getRuntime, readyRuntime } from './runtime';

/**
 * Not async: a stored L1 hit comes back as a plain Response, and every promise costs more inside
 * Next (async hooks) than the hit itself.
 */
export function trpcHandler(req: Request): Response | Promise<Response> {
  const ready = readyRuntime();
  if (ready) return handle(req, ready);
  return getRuntime().then((runtime) => handle(req, runtime));
}

function handle(req: Request, { deps, config }: ApiRuntime): Response | Promise<Response> {
  return handleTrpcRequest(req, deps, { clientAddress: () => clientAddress(req, config.trustedProxies) });
}
