/**
 * Which Redis eviction policies keep the cache's promise, decided by test
 * (`test/eviction.test.ts` fills a Redis past `maxmemory` under each policy and counts reads that
 * return a value from before an invalidation):
 *
 * - `noeviction`: safe. Nothing is evicted; fills fail while memory is full (the loader answers),
 *   and marks still land because the scripts that set them run with `allow-oom`.
 * - `volatile-lru`, `volatile-lfu`, `volatile-random`, `volatile-ttl`: safe. They evict only keys
 *   with a TTL: entries, leases, staged writes. Tag marks, clocks and origins have none.
 * - `allkeys-lru`, `allkeys-lfu`, `allkeys-random`: unsafe. Redis may evict a tag mark, and an
 *   entry built before that invalidation would then be served as current. The engine refuses to
 *   use such a Redis by default (`unsafeEviction: 'refuse'`: every call is answered by the
 *   loader), or only warns with `unsafeEviction: 'warn'`.
 *
 * Managed offerings often hide CONFIG: then the policy cannot be read, and the engine warns and
 * uses Redis (refusing every managed Redis without CONFIG would make the cache useless there).
 */
import type { UnsafeEvictionAction } from '../types';
import type { RedisClient } from './redis-client';

/** The policy, or undefined when the server does not let us read it (CONFIG disabled). */
export async function readEvictionPolicy(client: RedisClient): Promise<string | undefined> {
  try {
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}

export interface EvictionVerdict {
  /** What to log; absent for a safe policy. */
  warning?: string;
  /** Set when Redis must not be used at all. */
  refusal?: string;
}

export function judgeEvictionPolicy(
  policy: string | undefined,
  action: UnsafeEvictionAction,
): EvictionVerdict {
  if (policy === undefined) {
    return {
      warning:
        'cache: could not read Redis maxmemory-policy (CONFIG disabled?): make sure it is noeviction or volatile-*, or tag marks may be evicted (docs/cache-engine.md)',
    };
  }
  if (!policy.startsWith('allkeys-')) return {};
  const risk = `cache: Redis maxmemory-policy is ${policy}: Redis may evict tag marks, and an entry built before an invalidation could then be served as current. Set noeviction or a volatile-* policy (docs/cache-engine.md)`;
  if (action === 'refuse')
    return { warning: `${risk}. Refusing to use this Redis (unsafeEviction: 'refuse').`, refusal: risk };
  return { warning: risk };
}
