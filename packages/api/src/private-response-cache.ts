/**
 * Stored private responses: a signed-in GET of one user-scoped cached procedure (a workspace
 * page, "my workspaces") is answered with the bytes tRPC sent the same user for the same request
 * last time, instead of re-reading the entry, its live facts (one Redis read per agent on a
 * workspace page) and serializing the page again. docs/architecture.md ("Stored private
 * responses") has the argument; in short:
 *
 * - Isolation: the key's scope is the user id from the sealed cookie, which only we can seal;
 *   bytes are only ever stored by a request of that same user.
 * - Revocation: the session version is checked on every request, hit or not, exactly as the
 *   context does (a signed-out cookie gets the normal path and its 401). The bytes also carry
 *   the user's session and membership tags, so a sign-out or a removed membership makes them a
 *   miss, and the rebuild runs the procedure's own authorization (which refuses).
 * - Read-your-writes: the bytes carry every tag their call reported, live facts included, and
 *   are read from Redis only (no L1): a write that returned has invalidated them everywhere.
 * - Private: `Cache-Control: private, no-store` like every user-scoped answer; never a shared
 *   cache's tags or `s-maxage` (http.ts sends the tags per call, as the normal path does).
 * - Never: POSTs, public or uncached procedures, batches, admin cache modes, streaming, non-200
 *   answers or answers that set a cookie.
 */
import { buildCacheKey, type CacheStatus } from '@stash/cache';
import { formatCallTags, TAGS_HEADER } from '@stash/tag-sync/wire';
import type { CachePolicySummary, CacheRegistry, CallReport } from '@stash/trpc-cache';
import { readSessionFromCookieHeader } from './auth/session';
import { currentSessionVersion } from './auth/session-version';
import { tags as appTags } from './caching/tags';
import { type ApiDeps, CACHE_MODE_HEADER } from './context';
import { cacheStatus, PRIVATE, sharedFreshness } from './http-caching';
import { rememberedKey } from './remembered-keys';
import type { PipelineResult } from './response-cache';

/** The namespace private responses live in (listed in the registry: cache-registry.ts). */
export const PRIVATE_RESPONSE_NAMESPACE = 'http.privateResponse';

/** What is stored for one user and one request: the bytes and what the headers are rebuilt from. */
interface StoredPrivateResponse {
  body: string;
  path: string;
  /** `x-stash-cache` of the build (a replay says `hit`). */
  status: CacheStatus;
  /** The call's tags (live facts included): the entry's tags. */
  tags: readonly string[];
  /** The same as the client's `x-stash-tags`, formatted once when stored. */
  tagsHeader: string | null;
  freshUntil: number;
}

export interface PrivatePlan {
  path: string;
  policy: CachePolicySummary;
  /** The request's path and query: what the bytes answer. */
  target: string;
  registry: CacheRegistry;
}

/** A request whose answer may be a stored private response; null sends it down the normal path. */
export function planPrivateResponse(
  req: Request,
  { path, target, registry }: { path: string; target: string; registry: CacheRegistry },
): PrivatePlan | null {
  if (req.method !== 'GET' || path.includes(',')) return null;
  const headers = req.headers;
  if (!headers.has('cookie')) return null;
  const mode = headers.get(CACHE_MODE_HEADER);
  if (mode === 'bypass' || mode === 'refresh') return null;
  if (headers.has('trpc-accept') || headers.get('accept')?.includes('application/jsonl')) return null;
  const policy = registry.policyAt(path);
  if (policy?.scope !== 'user') return null;
  return { path, policy, target, registry };
}

/**
 * The stored bytes for this user and request, or the normal pipeline's answer (`build`, whose
 * 200 is then stored); `normal` when the session does not hold or the cache fails.
 */
export async function servePrivateResponse(
  req: Request,
  deps: ApiDeps,
  plan: PrivatePlan,
  how: { requestId: string; build: () => Promise<PipelineResult>; normal: () => Promise<Response> },
): Promise<Response> {
  const { requestId, build, normal } = how;
  const sealed = await readSessionFromCookieHeader(req.headers.get('cookie'), deps.sessionSecret);
  if (!sealed) return normal(); // signed out: the procedure answers 401 itself
  const { userId } = sealed.session;
  const scope = `user:${userId}`;
  const { cacheKeyPrefix: prefix } = deps;
  const shape = plan.policy.version;
  const key = rememberedKey([prefix, shape, scope, plan.target], () =>
    buildCacheKey({ prefix, version: shape, path: PRIVATE_RESPONSE_NAMESPACE, scope, input: plan.target }),
  );
  let own: Response | undefined; // this request's own answer when it may not be stored
  const stored = deps.cache
    .fetch<StoredPrivateResponse | null>(
      key,
      async (loader) => {
        const { response, calls } = await build();
        const body = await response.text();
        const value =
          response.headers.has('set-cookie') || response.status !== 200 ? null : toStored(body, calls, plan);
        if (!value) {
          loader.skip();
          own = new Response(body, { status: response.status, headers: response.headers });
          return null;
        }
        loader.setTtl(value.freshUntil - Date.now());
        return value;
      },
      {
        ttlMs: plan.policy.ttlMs,
        jitter: 0,
        // Sign-out and membership changes invalidate these: the bytes go with the right to see them.
        tags: [appTags.userSession(userId), appTags.userMemberships(userId)],
        tagsFromValue: (value) => (value ? [...value.tags] : []),
        l1: false,
      },
    )
    .catch(() => null);
  // Checked on every request, in parallel with the read: a revoked cookie gets no bytes.
  const [version, result] = await Promise.all([
    currentSessionVersion(deps, userId).catch(() => null),
    stored,
  ]);
  if (version !== sealed.version) return normal();
  if (!result?.value) return own ?? normal();
  return replay(result.value, requestId, result.status === 'hit');
}

function toStored(
  body: string,
  calls: readonly CallReport[] | null,
  plan: PrivatePlan,
): StoredPrivateResponse | null {
  const call = calls?.length === 1 ? calls[0] : undefined;
  if (!call || call.path !== plan.path) return null;
  const freshness = sharedFreshness([call], plan.registry);
  if (!freshness) return null; // a part was stale or not cached: not a basis for stored bytes
  return {
    body,
    path: call.path,
    status: call.status,
    tags: call.tags,
    tagsHeader: formatCallTags([['0', call.tags]]),
    freshUntil: freshness.freshUntil,
  };
}

function replay(stored: StoredPrivateResponse, requestId: string, hit: boolean): Response {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'cache-control': PRIVATE,
    'cache-status': hit
      ? cacheStatus({
          hit: true,
          ttlSeconds: Math.max(0, Math.floor((stored.freshUntil - Date.now()) / 1000)),
        })
      : cacheStatus({ hit: false, fwd: 'miss', stored: true }),
    'x-request-id': requestId,
    'x-stash-cache': `${stored.path}=${hit ? 'hit' : stored.status}`,
  };
  if (stored.tagsHeader) headers[TAGS_HEADER] = stored.tagsHeader;
  return new Response(stored.body, { status: 200, headers });
}
