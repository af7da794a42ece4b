/**
 * Live facts: small, fast-changing values that many cached reads show (an agent's install count,
 * the agents installed in a workspace). Reads cache their slow-changing skeleton and overlay
 * these; the writes that change them store the new value as they commit (write-through, see
 * `@stash/cache` write-through.ts and caching/invalidate.ts). So an install costs what it
 * changes: one count and one workspace's list are replaced, every page that shows them stays
 * cached, and the next read anywhere is a hit that shows the write.
 *
 * Exact reads (an agent's page, a workspace) read facts from Redis: like every exact read, they
 * reflect a returned write on every instance at once. Marketplace lists may read them through
 * L1, like the lists themselves: a write reaches other instances' L1 by the bus a few ms later,
 * and L1 is bypassed while the bus is not heard.
 */
import { buildCacheKey, type CacheStatus } from '@stash/cache';
import type { Prisma, PrismaClient } from '@stash/db';
import { installCountOf, type WorkspaceInstall, workspaceInstallRows } from '../queries/live';
import type { CacheMode, CachingDeps } from './caching-context';
import { toMs } from './duration';
import { worstStatus } from './overlay';
import { TTL } from './policy';
import { type TagKind, tags } from './tags';

type Db = PrismaClient | Prisma.TransactionClient;

/** What reading a live fact uses: the cache and the database, never the session. */
export type LiveContext = CachingDeps & { prisma: Db; cacheMode: CacheMode; l1Reads?: boolean };

export interface LiveFact<TValue> {
  /** Its cache namespace. */
  path: string;
  ttlMs: number;
  /** The tag kind writes invalidate (and prime) it by. */
  tagKind: TagKind;
  tag: (id: number) => string;
  /** Reads the value from the database: on a miss, and inside a write's transaction. */
  load: (db: Db, id: number) => Promise<TValue>;
}

export const agentInstallCount: LiveFact<number> = {
  path: 'live.agentInstallCount',
  ttlMs: toMs(TTL.marketplace),
  tagKind: 'agentInstalls',
  tag: tags.agentInstalls,
  load: installCountOf,
};

export const workspaceInstalls: LiveFact<WorkspaceInstall[]> = {
  path: 'live.workspaceInstalls',
  ttlMs: toMs(TTL.workspaces),
  tagKind: 'workspaceInstalls',
  tag: tags.workspaceInstalls,
  load: workspaceInstallRows,
};

/** The fact each live tag kind names: what a mutation's `writeThrough` kinds refer to. */
export const LIVE_FACTS: Partial<Record<TagKind, LiveFact<unknown>>> = {
  agentInstalls: agentInstallCount as LiveFact<unknown>,
  workspaceInstalls: workspaceInstalls as LiveFact<unknown>,
};

/** Their cache namespaces, for the registry (cache-registry.ts). */
export const LIVE_NAMESPACES: readonly string[] = [agentInstallCount.path, workspaceInstalls.path];

type LiveDeps = LiveContext;

export function liveKey(
  deps: Pick<CachingDeps, 'cacheKeyPrefix'>,
  fact: LiveFact<unknown>,
  id: number,
): string {
  return buildCacheKey({
    prefix: deps.cacheKeyPrefix,
    version: 'v1',
    path: fact.path,
    scope: 'public',
    input: id,
  });
}

/** Values by id, and how the cache answered (the worst status of the reads). */
export async function readLive<TValue>(
  deps: LiveDeps,
  fact: LiveFact<TValue>,
  ids: readonly number[],
  tier: { l1: boolean } = { l1: false },
): Promise<{ values: Map<number, TValue>; status: CacheStatus; tags: string[] }> {
  const unique = [...new Set(ids)];
  const results = await Promise.all(
    unique.map((id) =>
      deps.cache.fetch(liveKey(deps, fact, id), () => fact.load(deps.prisma, id), {
        ttlMs: fact.ttlMs,
        tags: [fact.tag(id)],
        l1: tier.l1 && deps.l1Reads !== false,
        mode: deps.cacheMode,
      }),
    ),
  );
  return {
    values: new Map(unique.map((id, i) => [id, results[i]?.value as TValue])),
    status: worstStatus(results.map((r) => r.status)),
    tags: unique.map((id) => fact.tag(id)),
  };
}

/** Replaces `installCount` on every card with the live count. */
export async function withLiveInstallCounts<TCard extends { id: number; installCount: number }>(
  deps: LiveDeps,
  cards: readonly TCard[],
  tier: { l1: boolean } = { l1: false },
): Promise<{ cards: TCard[]; status: CacheStatus; tags: string[] }> {
  if (cards.length === 0) return { cards: [], status: 'hit', tags: [] };
  const { values, status, tags } = await readLive(
    deps,
    agentInstallCount,
    cards.map((c) => c.id),
    tier,
  );
  return {
    cards: cards.map((card) => ({ ...card, installCount: values.get(card.id) ?? card.installCount })),
    status,
    tags,
  };
}
