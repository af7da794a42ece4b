/**
 * Tag marks must not be evicted before the entries they guard: under an `allkeys-*` policy Redis
 * may drop a mark and an entry built before that invalidation would look valid again. Managed
 * Redis offerings often default to such a policy (or hide CONFIG), so the engine reads it once
 * at startup and warns, or refuses to use Redis at all, as configured.
 */
import type { RedisClient } from './redis-client';

export type UnsafeEvictionAction = 'warn' | 'refuse';

/** The policy, or undefined when the server does not let us read it (CONFIG disabled). */
export async function readEvictionPolicy(client: RedisClient): Promise<string | undefined> {
  try {
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}

export function evictionRisk(policy: string | undefined): string | undefined {
  if (policy === undefined) {
    return 'cache: could not read Redis maxmemory-policy (CONFIG disabled?): make sure it is noeviction or volatile-*, or tag marks may be evicted (docs/cache-engine.md)';
  }
  if (!policy.startsWith('allkeys-')) return undefined;
  return `cache: Redis maxmemory-policy is ${policy}: Redis may evict tag marks, and an entry built before an invalidation could then be served as current. Set noeviction or a volatile-* policy (docs/cache-engine.md)`;
}
