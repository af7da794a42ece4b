/**
 * Revocable sessions. A cookie carries the user's session version from sign-in; each request
 * compares it with the current one, read through the cache (Redis only, no L1 copy, so a bump
 * is seen by the very next request on every instance) and tagged `user:<id>:session`, which
 * sign-out invalidates after bumping the version in the database.
 */
import type { CachingDeps } from '../caching/caching-context';
import type { ReplicaDeps } from '../caching/replica-reads';
import { tags } from '../caching/tags';
import { sessionVersionOf } from '../queries/sessions';
import { cachedUserFact } from './auth-cache';

// Invalidated on every change; the TTL only bounds how long an unused entry lingers.
const SESSION_VERSION_TTL_MS = 10 * 60_000;
/** Its cache namespace, listed in the registry (cache-registry.ts). */
export const SESSION_VERSIONS = 'auth.sessionVersion';

export async function currentSessionVersion(
  deps: CachingDeps & ReplicaDeps,
  userId: number,
): Promise<number | null> {
  return cachedUserFact(
    deps,
    { path: SESSION_VERSIONS, userId, tag: tags.userSession(userId), ttlMs: SESSION_VERSION_TTL_MS },
    (prisma) => sessionVersionOf(prisma, userId),
  );
}
