/**
 * Who may see the operational endpoints (/dashboard/cache, /api/cache-stats, /api/metrics):
 * admins (STASH_ADMIN_EMAILS) signed in with a current session, and for /api/metrics also a
 * scraper sending `Authorization: Bearer <STASH_METRICS_TOKEN>`. Cache counters name every
 * procedure and reveal traffic, so they are not public.
 */
import { timingSafeEqual } from 'node:crypto';
import { type ApiDeps, isAdmin, sessionFromCookie } from './context';

export type OpsAccess = 'granted' | 'signed-out' | 'forbidden';

/** True when the request carries `Authorization: Bearer <token>` and a token is configured. */
export function bearerMatches(req: Request, token: string | undefined): boolean {
  const header = req.headers.get('authorization');
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const expected = Buffer.from(token);
  // Constant time: the comparison must not tell how much of a guess was right.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function opsAccess(
  deps: ApiDeps,
  req: Request,
  opts: { metricsToken?: string | undefined } = {},
): Promise<OpsAccess> {
  if (bearerMatches(req, opts.metricsToken)) return 'granted';
  const session = await sessionFromCookie(deps, req.headers.get('cookie'));
  if (!session) return 'signed-out';
  return isAdmin(deps, session) ? 'granted' : 'forbidden';
}

/** The refusal an operational endpoint answers with, or null when access is granted. */
export function opsRefusal(access: OpsAccess): Response | null {
  if (access === 'granted') return null;
  const status = access === 'signed-out' ? 401 : 403;
  const message =
    access === 'signed-out'
      ? 'Sign in as an admin (or send Authorization: Bearer <STASH_METRICS_TOKEN> to /api/metrics).'
      : 'Admins only.';
  return new Response(`${message}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}
