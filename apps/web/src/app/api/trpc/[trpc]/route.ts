import { handleTrpcRequest } from '@stash/api';
import { getRuntime, readyRuntime } from '~/server/runtime';

/**
 * The caller's address for per-address sign-in limits: the rightmost `x-forwarded-for` entry,
 * which is what the nearest proxy saw (next start fills the header with the socket address
 * when no proxy set it). Without a proxy in front a client can choose it: see docs/reliability.md.
 */
function clientAddress(req: Request): string | null {
  return req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() || null;
}

// The whole tRPC endpoint (fetch adapter, batching, `x-stash-cache` header) lives in @stash/api,
// where it is tested without Next.
async function handler(req: Request): Promise<Response> {
  const { deps } = readyRuntime() ?? (await getRuntime());
  return handleTrpcRequest(req, deps, { clientAddress: clientAddress(req) });
}

export { handler as GET, handler as POST };
