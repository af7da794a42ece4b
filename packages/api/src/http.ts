/**
 * The HTTP face of the router (fetch adapter, batching on, at most MAX_BATCH_SIZE calls per
 * batch). The Next.js route is a one-liner around this, and tests call it with plain `Request`s.
 */

import {
  CALLS_HEADER,
  formatCallTags,
  formatInvalidation,
  INVALIDATED_HEADER,
  parseCallIds,
  TAGS_HEADER,
} from '@stash/tag-sync/wire';
import { MAX_BATCH_SIZE } from '@stash/validators';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { type CacheReport, formatCacheReport, type InvalidationLog } from './caching/report';
import { type ApiDeps, type Context, createContextFromRequest, newRequestId } from './context';
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
      return ctx ? { headers: cacheHeaders(ctx, parseCallIds(req.headers.get(CALLS_HEADER))) } : {};
    },
    onError({ error, path }) {
      // The details the client does not get (see the error formatter in trpc.ts).
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${requestId} ${path ?? '?'}:`, error);
    },
  });
}

/**
 * Per cached call, the tags of its answer keyed by the id the client gave the call (by its batch
 * index when it gave none); the tags this request's mutations invalidated. A client's
 * invalidation reads these (packages/tag-sync); `x-stash-cache` is for humans debugging.
 */
function cacheHeaders(
  ctx: Pick<Context, 'cacheReport' | 'invalidations'>,
  callIds: string[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  const set = (name: string, value: string | null) => {
    if (value) headers[name] = value;
  };
  set(CACHE_HEADER, formatCacheReport(ctx.cacheReport));
  set(TAGS_HEADER, formatCallTags(tagsByCall(ctx.cacheReport, callIds)));
  set(INVALIDATED_HEADER, invalidated(ctx.invalidations));
  return headers;
}

function tagsByCall(report: CacheReport, callIds: string[]): Array<[string, readonly string[]]> {
  return report.calls.map((c) => [callIds[c.batchIndex] ?? String(c.batchIndex), c.tags]);
}

function invalidated(log: InvalidationLog): string | null {
  return log.empty ? null : formatInvalidation(log);
}
