/**
 * Live facts: small, fast-changing values that many cached reads show (a count, a short list).
 * Reads cache their slow-changing skeleton and overlay these on every call, hit or miss; the
 * writes that change a fact store its new value as they commit (write-through.ts), so a write
 * costs what it changes and the next read anywhere is a hit that shows it.
 */
import { buildCacheKey, type CacheStatus } from '@stash/cache';
import { type Duration, toMs } from './duration';
import type { CallEnv } from './env';
import { worstStatus } from './status';
import type { AnyTag, TagValue } from './tags';

export interface LiveFact<TValue, TCtx = unknown> {
  /** Its cache namespace, e.g. `live.agentInstallCount`. */
  namespace: string;
  ttlMs: number;
  /** The tag writes invalidate (and prime) it by: a one-parameter tag of its id. */
  tag: AnyTag;
  /** Reads the value from the source of truth on a miss. */
  load: (ctx: TCtx, id: TagValue) => Promise<TValue>;
}

export interface LiveFactOptions<TValue, TCtx> {
  namespace: string;
  ttl: Duration;
  tag: AnyTag;
  load: (ctx: TCtx, id: TagValue) => Promise<TValue>;
}

export function toLiveFact<TValue, TCtx>(options: LiveFactOptions<TValue, TCtx>): LiveFact<TValue, TCtx> {
  return { namespace: options.namespace, ttlMs: toMs(options.ttl), tag: options.tag, load: options.load };
}

export function liveKey(keyPrefix: string, fact: LiveFact<unknown, never>, id: TagValue): string {
  return buildCacheKey({
    prefix: keyPrefix,
    version: 'v1',
    path: fact.namespace,
    scope: 'public',
    input: id,
  });
}

/** Values by id, how the cache answered (the worst of the reads), and the facts' tags. */
export interface LiveValues<TValue> {
  values: Map<TagValue, TValue>;
  status: CacheStatus;
  tags: string[];
}

/** Reads a fact for several ids; `l1` only where the reader may lag a write by the bus's delay. */
export async function readLiveFact<TValue, TCtx>(
  env: CallEnv,
  ctx: TCtx,
  fact: LiveFact<TValue, TCtx>,
  ids: readonly TagValue[],
  tier: { l1?: boolean } = {},
): Promise<LiveValues<TValue>> {
  const unique = [...new Set(ids)];
  const results = await Promise.all(
    unique.map((id) =>
      env.cache.fetch(
        liveKey(env.keyPrefix, fact as LiveFact<unknown, never>, id),
        async ({ minPosition }) => fact.load(await env.fill(ctx, minPosition), id),
        {
          ttlMs: fact.ttlMs,
          tags: [fact.tag(id)],
          l1: (tier.l1 ?? false) && env.l1Reads,
          mode: env.mode,
        },
      ),
    ),
  );
  return {
    values: new Map(unique.map((id, i) => [id, results[i]?.value as TValue])),
    status: worstStatus(results.map((r) => r.status)),
    tags: unique.map((id) => fact.tag(id)),
  };
}

/**
 * What a live overlay reads facts with: values by id; the call records status and tags itself.
 * (A fact loads with a context the call's own context extends: the public one.)
 */
export type LiveReader = <TValue>(
  fact: LiveFact<TValue, never>,
  ids: readonly TagValue[],
  tier?: { l1?: boolean },
) => Promise<Map<TagValue, TValue>>;

/** A reader bound to one call, and what it saw (the call reports the worst status and all tags). */
export function recordingReader<TCtx>(
  env: CallEnv,
  ctx: TCtx,
): { read: LiveReader; seen: { statuses: CacheStatus[]; tags: string[] } } {
  const seen = { statuses: [] as CacheStatus[], tags: [] as string[] };
  const read: LiveReader = async (fact, ids, tier) => {
    if (ids.length === 0) return new Map();
    const result = await readLiveFact(env, ctx as never, fact, ids, tier);
    seen.statuses.push(result.status);
    seen.tags.push(...result.tags);
    return result.values;
  };
  return { read, seen };
}
