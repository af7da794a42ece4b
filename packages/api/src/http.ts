/**
 * The HTTP face of the router (fetch adapter, batching on, at most MAX_BATCH_SIZE calls per
 * batch). The Next.js route is a one-liner around this, and tests call it with plain `Request`s.
 * A GET of one public cached procedure is first offered to the response cache
 * (response-cache.ts), which answers a hit with stored bytes without running tRPC at all (an L1
 * hit synchronously: the result is a `Response` then, a promise of one otherwise); a signed-in
 * GET of one user-scoped cached procedure to the private one (private-response-cache.ts).
 */

import { formatCallTags, formatInvalidation, INVALIDATED_HEADER, TAGS_HEADER } from '@stash/tag-sync/wire';
import { type CacheReport, formatCacheReport, type InvalidationLog } from '@stash/trpc-cache';
import { MAX_BATCH_SIZE } from '@stash/validators';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { cacheRegistry } from './cache-registry';
import { type ApiDeps, CACHE_MODE_HEADER, type Context, createContextFromRequest } from './context';
import { cacheStatus, PRIVATE, PUBLIC_VARY, publicCacheControl, sharedFreshness } from './http-caching';
import { assertSameOriginPost } from './http-guard';
import { malformedPathResponse } from './malformed-path';
import { planPrivateResponse, servePrivateResponse } from './private-response-cache';
import { newRequestId, REQUEST_ID_HEADER } from './request-id';
import { MALFORMED, pathAndQuery, procedurePathOf } from './request-target';
import {
  type PipelineResult,
  planStoredResponse,
  serveStoredResponse,
  storedLocally,
} from './response-cache';
import { appRouter } from './root';

export { REQUEST_ID_HEADER } from './request-id';

export const CACHE_HEADER = 'x-stash-cache';

export interface HandleOptions {
  /** Where the router is mounted. Default `/api/trpc`. */
  endpoint?: string;
  /** The caller's address as the server saw it (per-address sign-in limits); null if unknown. */
  clientAddress?: ClientAddress;
}

/**
 * The caller's address as the server saw it, or how to work it out: a function is called only
 * when tRPC runs (a stored hit never needs the address, and never pays for deriving it).
 */
export type ClientAddress = string | null | (() => string | null);

export function handleTrpcRequest(
  req: Request,
  deps: ApiDeps,
  opts: HandleOptions = {},
): Response | Promise<Response> {
  const endpoint = opts.endpoint ?? '/api/trpc';
  const requestId = newRequestId();
  const target = pathAndQuery(req.url);
  const path = procedurePathOf(target, endpoint);
  if (path === MALFORMED) return malformedPathResponse(requestId);
  const run = (reads: CachedReads) =>
    runTrpc(req, deps, { endpoint, requestId, ...reads, clientAddress: opts.clientAddress ?? null });
  const normal = () => run({ l1Reads: true }).then((result) => result.response);
  if (path === null) return normal();
  const plan = planStoredResponse(req, deps, { path, target, registry: cacheRegistry });
  if (!plan) {
    // A signed-in read of the user's own data: the bytes stored for this user, when allowed.
    const mine = planPrivateResponse(req, { path, target, registry: cacheRegistry });
    return mine
      ? servePrivateResponse(req, deps, mine, { requestId, build: () => run({ l1Reads: false }), normal })
      : normal();
  }
  return (
    storedLocally(req, deps, plan, requestId) ??
    serveStoredResponse(req, deps, plan, requestId, (how) => run({ l1Reads: false, ...how }), normal)
  );
}

/** How the pipeline's cached reads treat the cache (context.ts has both). */
interface CachedReads {
  l1Reads: boolean;
  refreshCachedReads?: boolean;
}

/** tRPC's own pipeline: context, resolvers, serialization; and the calls' cache reports. */
async function runTrpc(
  req: Request,
  deps: ApiDeps,
  opts: CachedReads & { endpoint: string; requestId: string; clientAddress: ClientAddress },
): Promise<PipelineResult> {
  const { requestId } = opts;
  let context: Context | undefined;
  const response = await fetchRequestHandler({
    endpoint: opts.endpoint,
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: async ({ resHeaders }) => {
      resHeaders.set(REQUEST_ID_HEADER, requestId);
      assertSameOriginPost(req);
      context = await createContextFromRequest(deps, req, resHeaders, {
        requestId,
        clientAddress: typeof opts.clientAddress === 'function' ? opts.clientAddress() : opts.clientAddress,
        l1Reads: opts.l1Reads,
        refreshCachedReads: opts.refreshCachedReads ?? false,
      });
      return context;
    },
    responseMeta({ ctx, paths, type, errors }) {
      const http = httpCachingHeaders(req, deps, { ctx, paths, type, failed: errors.length > 0 });
      if (!ctx) return { headers: http };
      return { headers: { ...cacheHeaders(ctx), ...http } };
    },
    onError({ error, path }) {
      // The details the client does not get (see the error formatter in trpc.ts).
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${requestId} ${path ?? '?'}:`, error);
    },
  });
  return {
    response,
    calls: context?.cacheReport.calls ?? null,
    sessionUserId: context?.session?.userId ?? null,
  };
}

/**
 * `Cache-Control` and `Cache-Status` on the normal path (http-caching.ts has the rules): public
 * only when every call is a public cached procedure that answered without error.
 */
function httpCachingHeaders(
  req: Request,
  deps: ApiDeps,
  r: { ctx: Context | undefined; paths: readonly string[] | undefined; type: string; failed: boolean },
): Record<string, string> {
  if (req.method !== 'GET')
    return { 'cache-control': PRIVATE, 'cache-status': cacheStatus({ hit: false, fwd: 'method' }) };
  const mode = req.headers.get(CACHE_MODE_HEADER);
  // An admin asking past the cache gets an answer no shared cache may keep for others.
  if (mode === 'bypass' || mode === 'refresh')
    return { 'cache-control': PRIVATE, 'cache-status': cacheStatus({ hit: false, fwd: 'request' }) };
  const status = cacheStatus({ hit: false, fwd: 'bypass' });
  const allPublic =
    (r.paths ?? []).length > 0 && (r.paths ?? []).every((p) => cacheRegistry.policyAt(p)?.scope === 'public');
  if (!r.ctx || r.failed || r.type !== 'query' || !allPublic)
    return { 'cache-control': PRIVATE, 'cache-status': status };
  const freshness = sharedFreshness(r.ctx.cacheReport.calls, cacheRegistry);
  return {
    // Answers of the normal path carry no CDN tags: a write bounds them as if no CDN were told.
    'cache-control': publicCacheControl(freshness, Date.now(), { maxLagMs: deps.cdnMaxLagMs ?? 0 }),
    'cache-status': status,
    vary: PUBLIC_VARY,
  };
}

/**
 * Per cached call, the tags of its answer keyed by the call's index in the batch; the tags this
 * request's mutations invalidated. A client's invalidation reads these (packages/tag-sync maps
 * indexes back to its calls); `x-stash-cache` is for humans debugging. Nothing here comes from
 * the request's headers: a public answer is kept by shared caches and served to everyone.
 */
function cacheHeaders(ctx: Pick<Context, 'cacheReport' | 'invalidations'>): Record<string, string> {
  const headers: Record<string, string> = {};
  const set = (name: string, value: string | null) => {
    if (value) headers[name] = value;
  };
  set(CACHE_HEADER, formatCacheReport(ctx.cacheReport));
  set(TAGS_HEADER, formatCallTags(tagsByCall(ctx.cacheReport)));
  set(INVALIDATED_HEADER, invalidated(ctx.invalidations));
  return headers;
}

function tagsByCall(report: CacheReport): Array<[string, readonly string[]]> {
  return report.calls.map((c) => [String(c.batchIndex), c.tags]);
}

function invalidated(log: InvalidationLog): string | null {
  return log.empty ? null : formatInvalidation(log);
}
