/**
 * The HTTP face of the router (fetch adapter, batching on, at most MAX_BATCH_SIZE calls per
 * batch). The Next.js route is a one-liner around this, and tests call it with plain `Request`s.
 */
import { MAX_BATCH_SIZE } from '@stash/validators';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { formatCacheReport } from './caching/cached';
import { type ApiDeps, createContextFromRequest, newRequestId } from './context';
import { assertSameOriginPost } from './http-guard';
import { appRouter } from './root';

export const CACHE_HEADER = 'x-stash-cache';
export const REQUEST_ID_HEADER = 'x-request-id';

export interface HandleOptions {
  /** Where the router is mounted. Default `/api/trpc`. */
  endpoint?: string;
  /** The caller's address as the server saw it (per-address sign-in limits); null if unknown. */
  clientAddress?: string | null;
}

export function handleTrpcRequest(req: Request, deps: ApiDeps, opts: HandleOptions = {}): Promise<Response> {
  const requestId = newRequestId();
  return fetchRequestHandler({
    endpoint: opts.endpoint ?? '/api/trpc',
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ resHeaders }) => {
      resHeaders.set(REQUEST_ID_HEADER, requestId);
      assertSameOriginPost(req);
      return createContextFromRequest(deps, req, resHeaders, {
        requestId,
        clientAddress: opts.clientAddress ?? null,
      });
    },
    responseMeta({ ctx }) {
      const report = ctx ? formatCacheReport(ctx.cacheReport) : null;
      return report ? { headers: { [CACHE_HEADER]: report } } : {};
    },
    onError({ error, path }) {
      // The details the client does not get (see the error formatter in trpc.ts).
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${requestId} ${path ?? '?'}:`, error);
    },
  });
}
