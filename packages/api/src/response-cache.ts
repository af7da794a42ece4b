/**
 * The response-level cache: a GET of one public cached procedure is answered with the bytes of a
 * stored response, without creating a context, running tRPC's pipeline or serializing again.
 * Design and its safety argument: docs/architecture.md ("Stored responses").
 *
 * - Stored in the engine, namespace `http.response`, tagged with the union of the tags its call
 *   reported, live facts included: an install (write-through, which invalidates its tags in
 *   every namespace) or a template edit makes exactly the stored responses showing it a miss.
 * - Built by the normal pipeline with L1 reads off, so its parts come from Redis: a copy an
 *   invalidation has not reached yet (the bus's few ms) never lands in a shared entry.
 * - Lives no longer than its parts stay fresh (`freshUntil`), and only answers built from fresh
 *   parts are stored, so no field is older than the procedure's TTL (+ grace) promises.
 * - Kept in L1 only when the procedure is (marketplace lists); exact reads come from Redis.
 * - With a CDN, rebuilt from its parts' loaders rather than handed out in the last tenth of its
 *   TTL (`nearItsEnd`), or when a part was past its freshness (`partsPastFreshness`: it could
 *   not be shared at all): a copy handed to a CDN then would be back within seconds.
 * - Replayed (bytes, or a 304, with the headers the normal path sends) by stored-response.ts.
 * - Never: POSTs, user-scoped or uncached procedures, batches of several calls (normal path),
 *   admin cache modes, streaming (`trpc-accept`), non-200 answers.
 */
import { buildCacheKey } from '@stash/cache';
import { tagHeader } from '@stash/cdn';
import { encodeTagList } from '@stash/tag-sync/wire';
import type { CachePolicySummary, CacheRegistry, CallReport } from '@stash/trpc-cache';
import type { CdnWiring } from './caching/cdn';
import { type ApiDeps, CACHE_MODE_HEADER } from './context';
import { etagOf, sharedFreshness } from './http-caching';
import { rememberedKey } from './remembered-keys';
import { replay, type StoredResponse } from './stored-response';

/** The namespace stored responses live in (listed in the registry: cache-registry.ts). */
export const RESPONSE_NAMESPACE = 'http.response';

/** Every tag of a stored answer: what the engine tags the entry with, and the CDN header's keys. */
function tagsOf(calls: readonly { tags: readonly string[] }[]): string[] {
  return [...new Set(calls.flatMap((c) => c.tags))];
}

function keyOf(prefix: string, version: string, request: string): string {
  // The exact request: no parsing on the hit path; the version keeps shapes apart.
  return rememberedKey([prefix, version, request], () =>
    buildCacheKey({ prefix, version, path: RESPONSE_NAMESPACE, scope: 'public', input: request }),
  );
}

export interface ResponsePlan {
  path: string;
  policy: CachePolicySummary;
  key: string;
  registry: CacheRegistry;
}

/**
 * A request the response cache may answer, with its key; null sends it down the normal path.
 * `path` is the decoded procedure path(s) of `target` (request-target.ts).
 */
export function planStoredResponse(
  req: Request,
  deps: ApiDeps,
  { path, target, registry }: { path: string; target: string; registry: CacheRegistry },
): ResponsePlan | null {
  if (req.method !== 'GET') return null;
  const headers = req.headers;
  const mode = headers.get(CACHE_MODE_HEADER);
  if (mode === 'bypass' || mode === 'refresh') return null; // admins asking past the cache
  if (headers.has('trpc-accept') || headers.get('accept')?.includes('application/jsonl')) return null;
  if (path.includes(',')) return null; // several calls: the normal path
  const policy = registry.policyAt(path);
  if (policy?.scope !== 'public') return null;
  return { path, policy, key: keyOf(deps.cacheKeyPrefix, policy.version, target), registry };
}

/** What the normal pipeline produced for the request (the loader of a stored response). */
export interface PipelineResult {
  response: Response;
  calls: readonly CallReport[] | null;
  /** The user whose session the request's context proved (cookie sealed by us, version current). */
  sessionUserId: number | null;
}

/**
 * The stored answer to `plan`'s request when L1 has it, on the spot and without a promise
 * (inside `next start` every promise also costs an async-hooks init and a context copy);
 * undefined sends the request on to `serveStoredResponse`.
 */
export function storedLocally(
  req: Request,
  deps: ApiDeps,
  plan: ResponsePlan,
  requestId: string,
): Response | undefined {
  const stored = deps.cache.localHit<StoredResponse | null>(plan.key, { l1: plan.policy.l1 })?.value;
  if (!stored || nearItsEnd(stored, plan, deps, Date.now())) return undefined;
  return replay(req, deps, stored, requestId, true, true);
}

/**
 * With a CDN, an answer in the last `refreshAhead` share of its TTL is rebuilt by the request that
 * finds it instead of handed out: a CDN keeps a copy no longer than its parts stay fresh, so one
 * handed out now would be back at the origin in seconds (caching/cdn.ts, `REFRESH_AHEAD`).
 */
function nearItsEnd(stored: StoredResponse, plan: ResponsePlan, deps: ApiDeps, now: number): boolean {
  if (!deps.cdn) return false;
  return stored.freshness.freshUntil - now <= deps.cdn.refreshAhead * plan.policy.ttlMs;
}

/**
 * Was a part read past its freshness: stale (in its grace), or reported without a lifetime though
 * it came from the cache or its loader (a stale entry and a live fact's miss report `miss`)? Such
 * an answer is not stored or shared, and its parts' loaders would give it a full lifetime. Errors
 * and bypasses are not: Redis being down is no reason to run the loaders twice.
 */
function partsPastFreshness(calls: readonly CallReport[] | null): boolean {
  return (
    calls?.some(
      (call) =>
        call.status === 'stale' ||
        (call.freshUntil === undefined && (call.status === 'hit' || call.status === 'miss')),
    ) ?? false
  );
}

/** How the pipeline builds a stored answer: `refreshCachedReads` runs every part's loader. */
export type BuildStored = (how: { refreshCachedReads: boolean }) => Promise<PipelineResult>;

export async function serveStoredResponse(
  req: Request,
  deps: ApiDeps,
  plan: ResponsePlan,
  requestId: string,
  build: BuildStored,
  normal: () => Promise<Response>,
): Promise<Response> {
  let own: Response | undefined; // this request's own answer when it may not be stored
  let pastFreshness = false; // set by the build: see `partsPastFreshness`
  const fetchStored = (mode: 'normal' | 'refresh') =>
    deps.cache.fetch<StoredResponse | null>(
      plan.key,
      async (loader) => {
        const { response, calls } = await build({ refreshCachedReads: mode === 'refresh' });
        pastFreshness = partsPastFreshness(calls);
        const body = await response.text();
        const stored = response.status === 200 ? toStored(body, calls, plan, deps.cdn) : null;
        if (!stored) {
          loader.skip();
          own = new Response(body, { status: response.status, headers: response.headers });
          return null;
        }
        // No longer than its freshest-to-expire part: never older than the TTL promises.
        loader.setTtl(stored.freshness.freshUntil - Date.now());
        return stored;
      },
      {
        ttlMs: plan.policy.ttlMs,
        jitter: 0,
        tagsFromValue: (stored) => (stored ? tagsOf(stored.calls) : []),
        l1: plan.policy.l1,
        mode,
      },
    );
  let result: Awaited<ReturnType<typeof fetchStored>>;
  try {
    result = await fetchStored('normal');
    // With a CDN, what it is handed must last: an answer near its end (stored, or just built from
    // parts as near theirs) or one that could not be stored because a part was past its freshness
    // (it would go out with s-maxage=0) is rebuilt from its parts' loaders.
    const rebuild = result.value
      ? nearItsEnd(result.value, plan, deps, Date.now())
      : deps.cdn && pastFreshness;
    if (rebuild) {
      own = undefined;
      result = await fetchStored('refresh');
    }
  } catch {
    return own ?? normal();
  }
  const stored = result.value;
  // Another request's flight produced an answer that may not be stored (an error): ask ourselves.
  if (!stored) return own ?? normal();
  return replay(req, deps, stored, requestId, result.status === 'hit', result.freshUntil !== undefined);
}

function toStored(
  body: string,
  calls: readonly CallReport[] | null,
  plan: ResponsePlan,
  cdn: Pick<CdnWiring, 'tagHeader' | 'softTag'> | undefined,
): StoredResponse | null {
  if (calls?.length !== 1 || calls[0]?.path !== plan.path) return null;
  // Its one call is the planned procedure: the registry gives its grace.
  const freshness = sharedFreshness(calls, plan.registry);
  if (!freshness) return null; // a part was stale or not cached: not a basis for a stored answer
  return {
    body,
    etag: etagOf(body),
    calls: calls.map((c) => ({
      path: c.path,
      status: c.status,
      tags: c.tags,
      header: encodeTagList(c.tags),
    })),
    freshness,
    ...(cdn ? cdnTagsOf(tagsOf(calls), cdn) : {}),
  };
}

/** The CDN's header for these tags, the soft facts' tags left out (and noted). */
function cdnTagsOf(
  tags: readonly string[],
  cdn: Pick<CdnWiring, 'tagHeader' | 'softTag'>,
): Pick<StoredResponse, 'cdnTags' | 'cdnSoft'> {
  const purged = tags.filter((tag) => !cdn.softTag(tag));
  return { cdnTags: tagHeader(purged, cdn.tagHeader), cdnSoft: purged.length < tags.length };
}
