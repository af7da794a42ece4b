import type { Cache } from '@stash/cache';
import type { PrismaClient, ReadRouter } from '@stash/db';
import { CacheReport, InvalidationLog } from '@stash/trpc-cache';
import type { SignInLimiter } from './auth/rate-limit';
import { readSessionFromCookieHeader, type Session } from './auth/session';
import { currentSessionVersion } from './auth/session-version';
import type { CacheMode } from './caching/caching-context';
import type { CdnWiring } from './caching/cdn';
import { newRequestId } from './request-id';

/** Long-lived things a context borrows: one of each per process. */
export interface ApiDeps {
  /** The primary database: writes, transactions, and every read not routed by `reads`. */
  prisma: PrismaClient;
  /** Read replicas for cache fills (caching/replica-reads.ts); absent: the primary only. */
  reads?: ReadRouter;
  cache: Cache;
  /** First segment of every cache key (`stash` in production; unique per test run). */
  cacheKeyPrefix: string;
  /** Secret for sealing the session cookie (at least 32 characters). */
  sessionSecret: string;
  /** Users allowed to bypass or force-refresh the cache per call. */
  adminEmails: readonly string[];
  /** Set the `Secure` attribute on cookies (true behind HTTPS). */
  secureCookies?: boolean;
  /** Honour the `x-stash-fault` request header (the fault suite only: STASH_FAULT_INJECTION=1). */
  faultInjection?: boolean;
  /** Sign-in attempt counters; default: one shared per process with the default limits. */
  signInLimiter?: SignInLimiter;
  /**
   * How long a shared cache (CDN) may keep serving a public answer that a write can change
   * (install counts, templates), in ms. Default 0: it must revalidate (`s-maxage=0`) so writes
   * are seen at once, as the product promises (docs/architecture.md, "HTTP caching").
   */
  cdnMaxLagMs?: number;
  /**
   * A CDN purged by tag: stored public answers carry their tags and a long `s-maxage`, and every
   * write purges what it invalidated (caching/cdn.ts). Absent: neither (today's behaviour).
   */
  cdn?: CdnWiring;
}

export interface Context extends ApiDeps {
  session: Session | null;
  /** How cached procedures treat the cache on this call (admins and tests only). */
  cacheMode: CacheMode;
  /**
   * May cached reads use this instance's L1? False while a stored HTTP response is being built
   * (http/response-cache.ts): its parts are read from Redis, so a copy an invalidation has not
   * reached yet (the bus's few ms) is never persisted into a shared entry.
   */
  l1Reads: boolean;
  /** Filled by cached procedures: each call's outcome and tags, turned into response headers. */
  cacheReport: CacheReport;
  /** Filled by mutations (writeThenInvalidate): the tags they invalidated, sent to the client. */
  invalidations: InvalidationLog;
  /** Headers to add to the HTTP response (Set-Cookie on sign-in/out). */
  resHeaders: Headers;
  /** A fault the fault suite asked this request to inject (see caching/caching.ts). */
  fault?: string;
  /** Names this request in error responses and in the server log. */
  requestId: string;
  /** The caller's network address when known (HTTP), for per-address rate limits. */
  clientAddress: string | null;
}

/** Admins (STASH_ADMIN_EMAILS) may change the cache mode and see the operational endpoints. */
export function isAdmin(deps: Pick<ApiDeps, 'adminEmails'>, session: Session | null): boolean {
  return session !== null && deps.adminEmails.includes(session.email);
}

/**
 * Builds a context without any HTTP: tests and server components call this directly.
 * Only admins may change the cache mode; anyone else silently gets 'normal'.
 */
export function createContextInner(
  deps: ApiDeps,
  opts: {
    session?: Session | null;
    cacheMode?: CacheMode;
    resHeaders?: Headers;
    requestId?: string;
    clientAddress?: string | null;
    fault?: string;
    l1Reads?: boolean;
    /**
     * Every cached read runs its loader and overwrites its entry: the response cache rebuilding a
     * stored answer near its end (response-cache.ts). This server's own decision, not a caller's,
     * so unlike `cacheMode` it needs no admin.
     */
    refreshCachedReads?: boolean;
  } = {},
): Context {
  const session = opts.session ?? null;
  const asked = isAdmin(deps, session) ? (opts.cacheMode ?? 'normal') : 'normal';
  return {
    ...deps,
    session,
    cacheMode: opts.refreshCachedReads ? 'refresh' : asked,
    l1Reads: opts.l1Reads ?? true,
    cacheReport: new CacheReport(),
    invalidations: new InvalidationLog(),
    resHeaders: opts.resHeaders ?? new Headers(),
    requestId: opts.requestId ?? newRequestId(),
    clientAddress: opts.clientAddress ?? null,
    ...(deps.faultInjection && opts.fault ? { fault: opts.fault } : {}),
  };
}

/** Admins' per-request cache mode (`bypass`, `refresh`); http-caching.ts keeps such answers private. */
export const CACHE_MODE_HEADER = 'x-stash-cache-mode';

function parseCacheMode(value: string | null): CacheMode {
  return value === 'bypass' || value === 'refresh' ? value : 'normal';
}

/**
 * The session a cookie proves: sealed by us, and issued under the user's current session
 * version (a signed-out or deleted user's cookies prove nothing).
 */
export async function sessionFromCookie(deps: ApiDeps, cookieHeader: string | null): Promise<Session | null> {
  const sealed = await readSessionFromCookieHeader(cookieHeader, deps.sessionSecret);
  if (!sealed) return null;
  const current = await currentSessionVersion(deps, sealed.session.userId);
  return current === sealed.version ? sealed.session : null;
}

/** The HTTP entry point: session from the cookie, cache mode from a header (admins only). */
export async function createContextFromRequest(
  deps: ApiDeps,
  req: Request,
  resHeaders: Headers,
  opts: {
    requestId?: string;
    clientAddress?: string | null;
    l1Reads?: boolean;
    refreshCachedReads?: boolean;
  } = {},
): Promise<Context> {
  const session = await sessionFromCookie(deps, req.headers.get('cookie'));
  return createContextInner(deps, {
    session,
    cacheMode: parseCacheMode(req.headers.get(CACHE_MODE_HEADER)),
    resHeaders,
    ...opts,
    fault: req.headers.get('x-stash-fault') ?? undefined,
  });
}
