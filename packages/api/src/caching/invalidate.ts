/**
 * Mutations write through `writeThenInvalidate` so that (a) the tags they invalidate are recorded
 * in the same transaction as the write and delivered before the mutation returns (read-your-
 * writes, durable: outbox.ts), and (b) what each mutation invalidates is declared in one table
 * that docs/caching.md is generated from and that is checked at run time outside production.
 */
import type { Context } from '../context';
import { deliver, forgetDelivered, recordInvalidation, type Tx } from './outbox';
import { assertDeclared, CHECK_TAGS, type TagKind } from './tags';

export interface InvalidationRule {
  /** Gone before the mutation returns. */
  hard: readonly TagKind[];
  /** Stale after a bounded while (coalesced, see caching/policy.ts), refreshed once. */
  soft: readonly TagKind[];
}

export const INVALIDATIONS = {
  'installs.install': { hard: ['agent', 'workspace'], soft: ['marketplaceLists'] },
  'installs.uninstall': { hard: ['agent', 'workspace'], soft: ['marketplaceLists'] },
  'templates.create': { hard: ['templateCategory'], soft: [] },
  'templates.update': { hard: ['template', 'templateCategory'], soft: [] },
  'auth.signOut': { hard: ['userSession'], soft: [] },
  'members.add': { hard: ['userMemberships', 'workspace'], soft: [] },
  'members.remove': { hard: ['userMemberships', 'workspace'], soft: [] },
  'members.setRole': { hard: ['userMemberships', 'workspace'], soft: [] },
  'members.leave': { hard: ['userMemberships', 'workspace'], soft: [] },
  'templates.addToWorkspace': { hard: ['agent', 'workspace'], soft: ['marketplaceLists'] },
} as const satisfies Record<string, InvalidationRule>;

export type MutationPath = keyof typeof INVALIDATIONS;

export interface WriteOutcome<R> {
  result: R;
  invalidate: { hard?: string[]; soft?: string[] };
}

/**
 * A burst of writes queues for pool connections: wait for one longer than Prisma's 2 s default
 * rather than fail a write that would have gone through.
 */
const TRANSACTION_LIMITS = { maxWait: 15_000, timeout: 15_000 };

/** Set by the fault suite only (STASH_FAULT_INJECTION=1): die between commit and delivery. */
export const CRASH_AFTER_COMMIT = 'crash-after-commit';

export async function writeThenInvalidate<R>(
  ctx: Context,
  mutation: MutationPath,
  write: (tx: Tx) => Promise<WriteOutcome<R>>,
): Promise<R> {
  const rule: InvalidationRule = INVALIDATIONS[mutation];
  const { result, tags, outboxId } = await ctx.prisma.$transaction(async (tx) => {
    const outcome = await write(tx);
    const tags = { hard: outcome.invalidate.hard ?? [], soft: outcome.invalidate.soft ?? [] };
    if (CHECK_TAGS) {
      assertDeclared(`${mutation} (hard)`, tags.hard, rule.hard);
      assertDeclared(`${mutation} (soft)`, tags.soft, rule.soft);
    }
    const empty = tags.hard.length === 0 && tags.soft.length === 0;
    return { result: outcome.result, tags, outboxId: empty ? undefined : await recordInvalidation(tx, tags) };
  }, TRANSACTION_LIMITS);
  if (outboxId === undefined) return result;
  // Committed: the response tells the client what to refetch (delivery to the cache follows).
  ctx.invalidations.record(tags);
  if (ctx.fault === CRASH_AFTER_COMMIT) {
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {}); // never delivered: the relay of another instance must do it
  }
  // Not delivered: the row stays and the relay delivers it; the write itself is committed.
  if (await deliver(ctx.cache, tags)) await forgetDelivered(ctx.prisma, outboxId);
  return result;
}
