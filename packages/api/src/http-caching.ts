/**
 * What the tRPC endpoint tells HTTP caches (browsers, CDNs) about an answer: a strong `ETag`,
 * `Cache-Control`, and `Cache-Status` (RFC 9211). The rules, argued in docs/architecture.md
 * ("HTTP caching"):
 *
 * - Only an answer made of public cached procedures is `public`; anything else (a user-scoped
 *   or uncached call, an error, a mutation) is `private, no-store`.
 * - Browsers always revalidate (`max-age=0`): their answers must follow writes at once (the tags
 *   in the 304 re-key the stored answer for the page's current call ids).
 * - Without a purged CDN, `s-maxage` is the least of: how long the answer's cached parts stay
 *   fresh (never past what the product promises for TTL-only data), and, when a write can change
 *   the answer (an install count, a template), the lag the operator allows for that
 *   (`cdnMaxLagMs`, default 0: revalidate every time, which costs a 304).
 * - With a CDN purged by tag, a stored answer that carries its tags is kept up to the CDN cap
 *   (still never past its parts' freshness): every write purges what it changed. One whose tags
 *   do not fit the CDN's header is not shared at all (`s-maxage=0`).
 */
import { createHash } from 'node:crypto';
import type { CacheRegistry, CallReport } from '@stash/trpc-cache';
import { CACHE_MODE_HEADER } from './context';

/** The name this server's cache goes by in `Cache-Status`. */
export const CACHE_NAME = 'stash';
export { PRIVATE } from './no-store';

/**
 * Every request header a public answer depends on: the streaming format (tRPC's own two), and
 * the cache mode, whose presence makes the answer private. Nothing else a request sends changes
 * a public answer or is echoed into it.
 */
export const PUBLIC_VARY = `trpc-accept, accept, ${CACHE_MODE_HEADER}`;

/** How long shared caches may keep an answer: derived from its parts when it is built. */
export interface SharedFreshness {
  /** Epoch ms until which every cached part of the answer is fresh. */
  freshUntil: number;
  /** A write can change the answer (its tags include a kind some mutation touches). */
  changesOnWrite: boolean;
  /** For TTL-only answers: how long past freshUntil the server itself would still serve it. */
  graceMs: number;
}

/**
 * The freshness of an answer made of these calls, or null when one of them was not answered
 * fresh from the cache (stale, bypass, error): such an answer is neither stored nor shared.
 */
export function sharedFreshness(
  calls: readonly CallReport[],
  registry: Pick<CacheRegistry, 'policyAt' | 'changesOnWrite'>,
): SharedFreshness | null {
  if (calls.length === 0) return null;
  let freshUntil = Number.POSITIVE_INFINITY;
  let changesOnWrite = false;
  let graceMs = Number.POSITIVE_INFINITY;
  for (const call of calls) {
    if (call.freshUntil === undefined || (call.status !== 'hit' && call.status !== 'miss')) return null;
    freshUntil = Math.min(freshUntil, call.freshUntil);
    graceMs = Math.min(graceMs, registry.policyAt(call.path)?.graceMs ?? 0);
    // Some declared write changes the tag (or the tag is unknown: assume one does).
    changesOnWrite ||= call.tags.some((tag) => registry.changesOnWrite(tag));
  }
  return { freshUntil, changesOnWrite, graceMs };
}

/** How long a shared cache may keep public answers, besides what their parts allow. */
export interface SharedLimits {
  /** For an answer a write can change, when the CDN is not told of writes (`cdnMaxLagMs`). */
  maxLagMs: number;
  /**
   * Set when the answer carries its tags in the CDN's header and every write purges them
   * (caching/cdn.ts): a write no longer bounds how long the CDN keeps it, this cap does.
   */
  purgedMaxAgeMs?: number;
}

/** A public answer no shared cache may keep. */
export const NOT_SHARED = 'public, max-age=0, s-maxage=0, stale-while-revalidate=0';

/** `Cache-Control` of a public answer, `now` being when it is sent. */
export function publicCacheControl(f: SharedFreshness | null, now: number, limits: SharedLimits): string {
  const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));
  if (!f) return NOT_SHARED;
  const fresh = seconds(f.freshUntil - now);
  const bound = limits.purgedMaxAgeMs ?? (f.changesOnWrite ? limits.maxLagMs : Number.POSITIVE_INFINITY);
  const sMaxAge = Math.min(fresh, seconds(bound));
  // Serving stale past a write would break the lag bound (or outlive a purge: a CDN serving
  // stale while it refetches shows the old answer); TTL-only data may use its grace.
  const swr = f.changesOnWrite ? 0 : seconds(f.graceMs);
  return `public, max-age=0, s-maxage=${sMaxAge}, stale-while-revalidate=${swr}`;
}

/** A strong validator: the same bytes, the same tag (on every instance). */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** `If-None-Match` (a list, `*`, or weak tags: GET uses the weak comparison) against our tag. */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}

/** RFC 9211 `Cache-Status` for an answer this server's response cache gave or forwarded. */
export function cacheStatus(
  outcome:
    | { hit: true; ttlSeconds: number }
    | { hit: false; fwd: 'miss' | 'bypass' | 'method' | 'request' | 'stale'; stored?: boolean },
): string {
  if (outcome.hit) return `${CACHE_NAME}; hit; ttl=${outcome.ttlSeconds}`;
  return `${CACHE_NAME}; fwd=${outcome.fwd}${outcome.stored ? '; stored' : ''}`;
}
