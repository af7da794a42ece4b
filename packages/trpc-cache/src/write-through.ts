/**
 * The write side of live facts (live.ts): a mutation reads the facts' namespace clocks before its
 * transaction commits, computes their new values inside it, and stores them right after the
 * commit instead of only invalidating them. The engine (`Cache.prime`) refuses a value that a
 * later write overtook; a fact that could not be primed is left to the outbox relay, like an
 * invalidation that was not delivered.
 */
import type { Cache } from '@stash/cache';
import type { CallEnv } from './env';
import { type LiveFact, liveKey } from './live';
import type { Delivery, TagsToDrop } from './outbox';
import type { TagValue } from './tags';

export interface LiveWrite {
  fact: LiveFact<unknown, never>;
  id: TagValue;
  value: unknown;
}

/** Namespace clock per fact; undefined where the cache could not be asked (no priming then). */
export type ClocksBefore = Map<string, number | undefined>;

export async function clocksBefore(
  cache: Cache,
  facts: readonly LiveFact<unknown, never>[],
): Promise<ClocksBefore> {
  const entries = await Promise.all(
    facts.map(async (fact) => [fact.namespace, await cache.clockBefore(fact.namespace)] as const),
  );
  return new Map(entries);
}

/**
 * Primes every live write it can, then invalidates the rest of the tags. True once everything
 * reached the cache; false: the outbox record stays and the relay re-delivers its invalidations.
 */
export async function deliverWriteThrough(
  env: Pick<CallEnv, 'cache' | 'keyPrefix'>,
  tags: TagsToDrop,
  writes: readonly LiveWrite[],
  since: ClocksBefore,
  deliver: (cache: Cache, tags: TagsToDrop, delivery: Delivery) => Promise<boolean>,
  delivery: Delivery = {},
): Promise<boolean> {
  const attempted = new Set<string>();
  const outcomes = await Promise.all(
    writes.map(async (write) => {
      const tag = write.fact.tag(write.id);
      const clock = since.get(write.fact.namespace);
      if (clock === undefined) return true; // invalidated below with the other tags
      attempted.add(tag);
      const options = {
        ttlMs: write.fact.ttlMs,
        tags: [tag],
        ...(delivery.position === undefined ? {} : { position: delivery.position }),
      };
      // Stored or overtaken, the tag was invalidated in the same step: nothing left to send. Not
      // reached: the engine replays it before this process's next read, and the outbox record
      // stays for the relay (trying again here would only add a second timeout to the write).
      return env.cache.prime(liveKey(env.keyPrefix, write.fact, write.id), write.value, options, clock).then(
        () => true,
        () => false,
      );
    }),
  );
  const rest = await deliver(
    env.cache,
    { hard: tags.hard.filter((t) => !attempted.has(t)), soft: tags.soft },
    delivery,
  );
  return rest && outcomes.every(Boolean);
}
