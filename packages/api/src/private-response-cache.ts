/**
 * Stored private responses: a signed-in GET of one user-scoped cached procedure (a workspace
 * page, "my workspaces") is answered with the bytes tRPC sent the same user for the same request
 * last time, instead of re-reading the entry, its live facts (one Redis read per agent on a
 * workspace page) and serializing the page again. docs/architecture.md ("Stored private
 * responses") has the argument; in short:
 *
 * - Isolation: the key's scope is the user id from the sealed cookie, which only we can seal;
 *   bytes are only ever stored by a request of that same user.
 * - Revocation: the bytes carry the user's session and membership tags, so a sign-out or a
 *   removed membership makes them a miss, and the rebuild runs the context's session check and
 *   the procedure's own authorization (which refuse). They also carry the session version their
 *   build proved current; a hit needs the cookie's version to be that one (the entry being valid
 *   proves no sign-out moved it since), so the cookie is checked on every request, hit or not,
 *   without a read of its own (a signed-out cookie gets the normal path and its 401).
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
import {
  readCookie,
  SESSION_COOKIE,
  type SealedSession,
  unsealedLately,
  unsealSession,
} from './auth/session';
import { tags as appTags } from './caching/tags';
import { type ApiDeps, CACHE_MODE_HEADER } from './context';
import { cacheStatus, PRIVATE, sharedFreshness } from './http-caching';
import { rememberedKey } from './remembered-keys';
import type { PipelineResult } from './response-cache';

/** The namespace private responses live in (listed in the registry: cache-registry.ts). */
export const PRIVATE_RESPONSE_NAMESPACE = 'http.privateResponse';

/** In the key: entries stored before they carried `sessionVersion` are never read. */
const STORED_SHAPE = 's2';

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
  /** The session version of the cookie that built it, proved current by that build's context. */
  sessionVersion: number;
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
export function servePrivateResponse(
  req: Request,
  deps: ApiDeps,
  plan: PrivatePlan,
  how: PrivateServing,
): Promise<Response> {
  const sealed = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
  if (!sealed) return how.normal(); // signed out: the procedure answers 401 itself
  // A cookie unsealed lately: nothing is awaited before the one Redis read of a hit.
  const lately = unsealedLately(sealed, deps.sessionSecret);
  if (lately) return serveSession(deps, plan, how, lately);
  return unsealSession(sealed, deps.sessionSecret).then((session) =>
    session ? serveSession(deps, plan, how, session) : how.normal(),
  );
}

interface PrivateServing {
  requestId: string;
  build: () => Promise<PipelineResult>;
  normal: () => Promise<Response>;
}

function serveSession(
  deps: ApiDeps,
  plan: PrivatePlan,
  { requestId, build, normal }: PrivateServing,
  sealed: SealedSession,
): Promise<Response> {
  const { userId } = sealed.session;
  const scope = `user:${userId}`;
  const { cacheKeyPrefix: prefix } = deps;
  const shape = `${plan.policy.version}.${STORED_SHAPE}`;
  const key = rememberedKey([prefix, shape, scope, plan.target], () =>
    buildCacheKey({ prefix, version: shape, path: PRIVATE_RESPONSE_NAMESPACE, scope, input: plan.target }),
  );
  let own: Response | undefined; // this request's own answer when it may not be stored
  return deps.cache
    .fetch<StoredPrivateResponse | null>(
      key,
      async (loader) => {
        const { response, calls, sessionUserId } = await build();
        const body = await response.text();
        // Only an answer to this very session (its context proved the cookie current) is stored.
        const value =
          response.headers.has('set-cookie') || response.status !== 200 || sessionUserId !== userId
            ? null
            : toStored(body, calls, plan, sealed.version);
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
        // A hit is one round trip, shared by the requests of one turn, never one more behind another.
        batchReads: true,
      },
    )
    .then(
      (result) => {
        const value = result.value;
        if (!value) return own ?? normal();
        // Revocation: the entry carries the user's session tag, so while it is valid no sign-out
        // has moved the version since its build proved `sessionVersion` current; a cookie with
        // any other version (from before a sign-out) gets the normal path and its 401.
        if (value.sessionVersion !== sealed.version) return normal();
        return replay(value, requestId, result.status === 'hit');
      },
      () => own ?? normal(),
    );
}

function toStored(
  body: string,
  calls: readonly CallReport[] | null,
  plan: PrivatePlan,
  sessionVersion: number,
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
    sessionVersion,
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
