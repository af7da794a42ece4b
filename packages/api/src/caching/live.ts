/**
 * Live facts: small, fast-changing values that many cached reads show (an agent's install count,
 * the agents installed in a workspace). Reads cache their slow-changing skeleton and overlay
 * these; the writes that change them store the new value as they commit (write-through). So an
 * install costs what it changes: one count and one workspace's list are replaced, every page that
 * shows them stays cached, and the next read anywhere is a hit that shows the write.
 *
 * Exact reads (an agent's page, a workspace) read facts from Redis: like every exact read, they
 * reflect a returned write on every instance at once. Marketplace lists may read them through
 * L1, like the lists themselves: a write reaches other instances' L1 by the bus a few ms later,
 * and L1 is bypassed while the bus is not heard.
 */
import type { LiveReader } from '@stash/trpc-cache';
import { installCountOf, workspaceInstallRows } from '../queries/live';
import { caching } from './caching';
import { TTL } from './policy';
import { tags } from './tags';

export const agentInstallCount = caching.liveFact({
  namespace: 'live.agentInstallCount',
  ttl: TTL.marketplace,
  tag: tags.agentInstalls,
  load: (ctx, agentId) => installCountOf(ctx.prisma, Number(agentId)),
});

export const workspaceInstalls = caching.liveFact({
  namespace: 'live.workspaceInstalls',
  ttl: TTL.workspaces,
  tag: tags.workspaceInstalls,
  load: (ctx, workspaceId) => workspaceInstallRows(ctx.prisma, Number(workspaceId)),
});

/** Replaces `installCount` on every card with the live count. */
export async function withLiveInstallCounts<TCard extends { id: number; installCount: number }>(
  read: LiveReader,
  cards: readonly TCard[],
  tier: { l1?: boolean } = {},
): Promise<TCard[]> {
  const counts = await read(
    agentInstallCount,
    cards.map((c) => c.id),
    tier,
  );
  return cards.map((card) => ({ ...card, installCount: counts.get(card.id) ?? card.installCount }));
}
