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
// where it is tested without Next. Not async: a stored L1 hit comes back as a plain Response,
// and every promise costs more inside Next (async hooks) than the hit itself.
function handler(req: Request): Response | Promise<Response> {
  const address = clientAddress(req);
  const ready = readyRuntime();
  if (ready) return handleTrpcRequest(req, ready.deps, { clientAddress: address });
  return getRuntime().then(({ deps }) => handleTrpcRequest(req, deps, { clientAddress: address }));
}

export { handler as GET, handler as POST };

// Every answer depends on the request. Saying so also hands the handler the request itself: under
// the default ('auto') Next wraps it in a Proxy that records each `headers` or `url` read (for
// static rendering, which never applies here), a cost on every header a stored hit looks at.
export const dynamic = 'force-dynamic';
