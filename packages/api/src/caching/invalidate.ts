/**
 * Mutations write through `writeThenInvalidate` so that (a) the tags they invalidate are recorded
 * in the same transaction as the write and delivered before the mutation returns (read-your-
 * writes, durable: outbox.ts), and (b) what each mutation invalidates is declared in one table
 * that docs/caching.md is generated from and that is checked at run time outside production.
 */
import type { PrismaClient } from '@stash/db';
import type { CachingContext } from './caching-context';
import type { LiveFact } from './live';
import { deliver, forgetDelivered, recordInvalidation, type Tx } from './outbox';
import { assertDeclared, CHECK_TAGS, type TagKind } from './tags';
import { clocksBefore, deliverWriteThrough, type LiveWrite } from './write-through';

export interface InvalidationRule {
  /** Gone before the mutation returns. */
  hard: readonly TagKind[];
  /** Stale after a bounded while (coalesced, see caching/policy.ts), refreshed once. */
  soft: readonly TagKind[];
  /** Live facts (caching/live.ts) the write stores as it commits: their next read is a hit. */
  writeThrough?: readonly TagKind[];
}

export const INVALIDATIONS = {
  'installs.install': {
    hard: ['agentInstalls', 'workspaceInstalls'],
    soft: [],
    writeThrough: ['agentInstalls', 'workspaceInstalls'],
  },
  'installs.uninstall': {
    hard: ['agentInstalls', 'workspaceInstalls'],
    soft: [],
    writeThrough: ['agentInstalls', 'workspaceInstalls'],
  },
  'templates.create': { hard: ['templateCategory'], soft: [] },
  'templates.update': { hard: ['template', 'templateCategory'], soft: [] },
  'auth.signOut': { hard: ['userSession'], soft: [] },
  'members.add': { hard: ['userMemberships', 'workspace'], soft: [] },
  'members.remove': { hard: ['userMemberships', 'workspace'], soft: [] },
  'members.setRole': { hard: ['userMemberships', 'workspace'], soft: [] },
  'members.leave': { hard: ['userMemberships', 'workspace'], soft: [] },
  'templates.addToWorkspace': {
    hard: ['agentInstalls', 'workspaceInstalls'],
    soft: [],
    writeThrough: ['workspaceInstalls'],
  },
} as const satisfies Record<string, InvalidationRule>;

export type MutationPath = keyof typeof INVALIDATIONS;

export interface WriteOutcome<R> {
  result: R;
  invalidate: { hard?: string[]; soft?: string[] };
  /** New values of live facts, read inside the transaction (see `liveWrite`). */
  writeThrough?: LiveWrite[];
}

/** One live fact's new value, as a write computed it inside its transaction. */
export function liveWrite<TValue>(fact: LiveFact<TValue>, id: number, value: TValue): LiveWrite {
  return { fact: fact as LiveFact<unknown>, id, value };
}

/**
 * A burst of writes queues for pool connections: wait for one longer than Prisma's 2 s default
 * rather than fail a write that would have gone through.
 */
const TRANSACTION_LIMITS = { maxWait: 15_000, timeout: 15_000 };

/** Set by the fault suite only (STASH_FAULT_INJECTION=1): die between commit and delivery. */
export const CRASH_AFTER_COMMIT = 'crash-after-commit';

/** What a write uses: the database, the cache, and where to note what it invalidated. */
export type WriteContext = Pick<CachingContext, 'cache' | 'cacheKeyPrefix' | 'invalidations'> & {
  prisma: PrismaClient;
  /** A fault the fault suite asked this request to inject. */
  fault?: string;
};

export async function writeThenInvalidate<R>(
  ctx: WriteContext,
  mutation: MutationPath,
  write: (tx: Tx) => Promise<WriteOutcome<R>>,
): Promise<R> {
  const rule: InvalidationRule = INVALIDATIONS[mutation];
  // Before the commit: what lets a write-through tell whether a later write overtook this one.
  const since = await clocksBefore(ctx.cache, rule.writeThrough ?? []);
  const { result, tags, writes, outboxId } = await ctx.prisma.$transaction(async (tx) => {
    const outcome = await write(tx);
    const writes = outcome.writeThrough ?? [];
    // Every live fact written through is also invalidated: that is what the relay re-delivers.
    const hard = [...new Set([...(outcome.invalidate.hard ?? []), ...writes.map((w) => w.fact.tag(w.id))])];
    const tags = { hard, soft: outcome.invalidate.soft ?? [] };
    if (CHECK_TAGS) {
      assertDeclared(`${mutation} (hard)`, tags.hard, rule.hard);
      assertDeclared(`${mutation} (soft)`, tags.soft, rule.soft);
      assertDeclared(
        `${mutation} (write-through)`,
        writes.map((w) => w.fact.tag(w.id)),
        rule.writeThrough ?? [],
      );
    }
    const empty = tags.hard.length === 0 && tags.soft.length === 0;
    return {
      result: outcome.result,
      tags,
      writes,
      outboxId: empty ? undefined : await recordInvalidation(tx, tags),
    };
  }, TRANSACTION_LIMITS);
  if (outboxId === undefined) return result;
  // Committed: the response tells the client what to refetch (delivery to the cache follows).
  ctx.invalidations.record(tags);
  if (ctx.fault === CRASH_AFTER_COMMIT) {
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {}); // never delivered: the relay of another instance must do it
  }
  // Not delivered: the row stays and the relay delivers it; the write itself is committed.
  const delivered = await deliverWriteThrough(ctx, tags, writes, since, deliver);
  if (delivered) await forgetDelivered(ctx.prisma, outboxId);
  return result;
}
