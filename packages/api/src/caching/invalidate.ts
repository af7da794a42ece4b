/**
 * Mutations invalidate through here so that (a) invalidation finishes before the mutation
 * returns (read-your-writes), and (b) what each mutation invalidates is declared in one table
 * that docs/caching.md is generated from and that is checked at run time outside production.
 */
import type { Context } from '../context';
import { assertDeclared, CHECK_TAGS, type TagKind } from './tags';

export interface InvalidationRule {
  /** Gone before the mutation returns. */
  hard: readonly TagKind[];
  /** Served at most once more while one refresh runs. */
  soft: readonly TagKind[];
}

export const INVALIDATIONS = {
  'installs.install': { hard: ['agent', 'workspace'], soft: ['marketplaceLists'] },
  'installs.uninstall': { hard: ['agent', 'workspace'], soft: ['marketplaceLists'] },
  'templates.create': { hard: ['templateCategory'], soft: [] },
  'templates.update': { hard: ['template', 'templateCategory'], soft: [] },
  'templates.addToWorkspace': { hard: ['agent', 'workspace'], soft: ['marketplaceLists'] },
} as const satisfies Record<string, InvalidationRule>;

export type MutationPath = keyof typeof INVALIDATIONS;

export async function invalidate(
  ctx: Context,
  mutation: MutationPath,
  tagsToDrop: { hard?: string[]; soft?: string[] },
): Promise<void> {
  const hard = tagsToDrop.hard ?? [];
  const soft = tagsToDrop.soft ?? [];
  const rule: InvalidationRule = INVALIDATIONS[mutation];
  if (CHECK_TAGS) {
    assertDeclared(`${mutation} (hard)`, hard, rule.hard);
    assertDeclared(`${mutation} (soft)`, soft, rule.soft);
  }
  await Promise.all([
    hard.length > 0 ? ctx.cache.invalidateTags(hard) : undefined,
    soft.length > 0 ? ctx.cache.invalidateTags(soft, { soft: true }) : undefined,
  ]);
}
