/**
 * A stored public answer (response-cache.ts stores it) and how it is handed out again: the exact
 * bytes tRPC sent, with the headers the normal path would have sent (`ETag`, `Cache-Control`,
 * `Cache-Status`, the call tags and the CDN's tag header), or a 304.
 */
import type { CacheStatus } from '@stash/cache';
import type { TagHeader } from '@stash/cdn';
import { joinCallTags, TAGS_HEADER } from '@stash/tag-sync/wire';
import type { CdnWiring } from './caching/cdn';
import type { ApiDeps } from './context';
import {
  cacheStatus,
  ifNoneMatchHits,
  NOT_SHARED,
  PUBLIC_VARY,
  publicCacheControl,
  type SharedFreshness,
} from './http-caching';

/** What is stored: the exact bytes tRPC sent, and what the headers need to be rebuilt per request. */
export interface StoredResponse {
  body: string;
  etag: string;
  /**
   * Per call, in batch order, with its tags already in header form (encoding 20 tags per hit was
   * 4 % of one).
   */
  calls: Array<{ path: string; status: CacheStatus; tags: readonly string[]; header: string }>;
  freshness: SharedFreshness;
  /**
   * The CDN's tag header of the union of the calls' tags, worked out once when the entry is built
   * by an instance with a CDN configured (absent otherwise). Not fitting: never shared. The soft
   * facts' tags (install counts, caching/cdn.ts) are left out: no write purges the CDN for them.
   */
  cdnTags?: TagHeader;
  /** Some tags were left out as soft: the CDN keeps it no longer than the soft cap. */
  cdnSoft?: boolean;
}

/**
 * What every replay of one stored value shares, worked out once: an L1 hit hands out the same
 * object every time, so this is kept beside it (a Redis hit decodes a new object and pays once).
 * Header strings that depend on the clock are redone when the second changes.
 */
interface Replayable {
  body: Uint8Array<ArrayBuffer>;
  /** `x-stash-cache` of a hit. */
  hitReport: string;
  /** `x-stash-tags`, calls keyed by batch index: the same for every caller (a CDN keeps it). */
  tags: string | null;
  /** The CDN's tag header, when this instance has a CDN and the keys fit. */
  cdnHeader: { name: string; value: string } | null;
  /** The CDN settings this was worked out for (tests run instances with and without). */
  cdn: CdnWiring | undefined;
  second: number;
  cacheControl: string;
  hitStatus: string;
}
const replayables = new WeakMap<StoredResponse, Replayable>();
const encoder = new TextEncoder();

function replayableOf(stored: StoredResponse, now: number, deps: ApiDeps): Replayable {
  let r = replayables.get(stored);
  if (!r || r.cdn !== deps.cdn) {
    const purged = deps.cdn ? stored.cdnTags : undefined;
    r = {
      body: encoder.encode(stored.body),
      hitReport: stored.calls.map((c) => `${c.path}=hit`).join(', '),
      tags: joinCallTags(stored.calls.map((c, i) => [String(i), c.header] as const)),
      cdnHeader: purged?.fits && purged.value ? { name: purged.name, value: purged.value } : null,
      cdn: deps.cdn,
      second: -1,
      cacheControl: '',
      hitStatus: '',
    };
    replayables.set(stored, r);
  }
  const second = Math.floor(now / 1000);
  if (r.second !== second) {
    r.second = second;
    // As if sent at the end of this second: a lifetime that holds then holds all through it.
    const latest = (second + 1) * 1000;
    r.cacheControl = cacheControlOf(stored, r, latest, deps);
    const ttlSeconds = Math.max(0, Math.floor((stored.freshness.freshUntil - latest) / 1000));
    r.hitStatus = cacheStatus({ hit: true, ttlSeconds });
  }
  return r;
}

/** Shared up to the CDN cap when its tags travel with it, not at all when they could not. */
function cacheControlOf(stored: StoredResponse, r: Replayable, at: number, deps: ApiDeps): string {
  const maxLagMs = deps.cdnMaxLagMs ?? 0;
  if (deps.cdn && stored.cdnTags?.fits === false) return NOT_SHARED;
  const cdn = deps.cdn && (r.cdnHeader || stored.cdnSoft) ? deps.cdn : undefined;
  const purgedMaxAgeMs = cdn && (stored.cdnSoft ? Math.min(cdn.maxAgeMs, cdn.softMaxAgeMs) : cdn.maxAgeMs);
  return publicCacheControl(
    stored.freshness,
    at,
    purgedMaxAgeMs === undefined ? { maxLagMs } : { maxLagMs, purgedMaxAgeMs },
  );
}

/** The stored bytes (or a 304), with the headers the normal path would have sent, for this caller. */
export function replay(
  req: Request,
  deps: ApiDeps,
  stored: StoredResponse,
  requestId: string,
  hit: boolean,
  kept: boolean,
): Response {
  const r = replayableOf(stored, Date.now(), deps);
  const headers: Record<string, string> = {
    vary: PUBLIC_VARY,
    'x-request-id': requestId,
    etag: stored.etag,
    'cache-control': r.cacheControl,
    'cache-status': hit ? r.hitStatus : cacheStatus({ hit: false, fwd: 'miss', stored: kept }),
    'x-stash-cache': hit ? r.hitReport : stored.calls.map((c) => `${c.path}=${c.status}`).join(', '),
  };
  if (r.tags) headers[TAGS_HEADER] = r.tags;
  if (r.cdnHeader) headers[r.cdnHeader.name] = r.cdnHeader.value;
  if (ifNoneMatchHits(req.headers.get('if-none-match'), stored.etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers['content-type'] = 'application/json';
  return new Response(r.body, { status: 200, headers });
}
