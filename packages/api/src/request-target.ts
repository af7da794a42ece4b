/**
 * The request target (`/api/trpc/<path>?<query>`) read straight from a request's URL string,
 * without building a `URL` (that was a tenth of a stored hit). The fetch API hands handlers
 * absolute URLs its own parser already normalized (dot segments resolved, host lowercased).
 */

/** `/path?query` of an absolute URL, fragment dropped. */
export function pathAndQuery(url: string): string {
  const hash = url.indexOf('#');
  const end = hash === -1 ? url.length : hash;
  const authority = url.indexOf('//');
  const start = authority === -1 ? 0 : url.indexOf('/', authority + 2);
  return start === -1 ? '/' : url.slice(start, end);
}

/** A path whose %-escapes do not decode (tRPC itself would throw a 500 on it). */
export const MALFORMED: unique symbol = Symbol('malformed procedure path');

/**
 * The procedure path(s) after `endpoint/` in a target, %-decoded; null when the target is not
 * under the endpoint. (A symbol, not a string, for malformed: `/api/trpc/malformed` is a path.)
 */
export function procedurePathOf(target: string, endpoint: string): string | null | typeof MALFORMED {
  if (!target.startsWith(`${endpoint}/`)) return null;
  const query = target.indexOf('?');
  const raw = target.slice(endpoint.length + 1, query === -1 ? undefined : query);
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return MALFORMED;
  }
}
