/**
 * The HTTP face of the router (fetch adapter, batching on). The Next.js route is a one-liner
 * around this, and tests call it with plain `Request`s.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { formatCacheReport } from './caching/cached';
import { type ApiDeps, createContextFromRequest } from './context';
import { appRouter } from './root';

export const CACHE_HEADER = 'x-stash-cache';

export function handleTrpcRequest(req: Request, deps: ApiDeps, endpoint = '/api/trpc'): Promise<Response> {
  return fetchRequestHandler({
    endpoint,
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContextFromRequest(deps, req, resHeaders),
    responseMeta({ ctx }) {
      const report = ctx ? formatCacheReport(ctx.cacheReport) : null;
      return report ? { headers: { [CACHE_HEADER]: report } } : {};
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'}:`, error);
    },
  });
}
