/**
 * Every cache tag the API uses, in one place. A tag names something a cached entry depends on;
 * invalidating it (hard: gone now, soft: served once more while one refresh runs) is how
 * mutations make stale reads disappear. Patterns are what docs/caching.md shows, and what
 * cached procedures and mutations are checked against at run time outside production.
 */
import { TRPCError } from '@trpc/server';

export const tags = {
  /** Every entry that shows this agent's own fields (detail, workspace pages). */
  agent: (agentId: number) => `agent:${agentId}`,
  /** An agent's install count (a live fact, written through by installs). */
  agentInstalls: (agentId: number) => `agent:${agentId}:installs`,
  /** Marketplace search/browse pages (their skeleton: install counts are overlaid live). */
  marketplaceLists: () => 'marketplace:lists',
  /** Category counts. */
  marketplaceCategories: () => 'marketplace:categories',
  template: (templateId: number) => `template:${templateId}`,
  templateCategory: (category: string) => `templates:category:${category}`,
  /** A workspace's own fields and members. */
  workspace: (workspaceId: number) => `workspace:${workspaceId}`,
  /** The agents installed in a workspace (a live fact, written through by installs). */
  workspaceInstalls: (workspaceId: number) => `workspace:${workspaceId}:installs`,
  /** The list of workspaces a user belongs to, and their memberships (used to authorize). */
  userMemberships: (userId: number) => `user:${userId}:memberships`,
  /** The user's session version: invalidated when their sessions are revoked (sign-out). */
  userSession: (userId: number) => `user:${userId}:session`,
} as const;

export type TagKind = keyof typeof tags;

export const TAG_PATTERNS: Record<TagKind, string> = {
  agent: 'agent:{agentId}',
  agentInstalls: 'agent:{agentId}:installs',
  marketplaceLists: 'marketplace:lists',
  marketplaceCategories: 'marketplace:categories',
  template: 'template:{templateId}',
  templateCategory: 'templates:category:{category}',
  workspace: 'workspace:{workspaceId}',
  workspaceInstalls: 'workspace:{workspaceId}:installs',
  userMemberships: 'user:{userId}:memberships',
  userSession: 'user:{userId}:session',
};

const patternRegex = new Map<TagKind, RegExp>(
  (Object.keys(TAG_PATTERNS) as TagKind[]).map((kind) => {
    const source = TAG_PATTERNS[kind]
      .split(/\{[a-zA-Z]+\}/)
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^:]+');
    return [kind, new RegExp(`^${source}$`)];
  }),
);

/** Which declared kind a concrete tag belongs to, or null when it matches none. */
export function kindOfTag(tag: string, allowed: readonly TagKind[]): TagKind | null {
  return allowed.find((kind) => patternRegex.get(kind)?.test(tag)) ?? null;
}

/**
 * Throws (as an internal error) when a tag matches none of the declared kinds: caught by the
 * tests, which exercise every procedure, so declarations and docs cannot drift from the code.
 */
export function assertDeclared(
  owner: string,
  produced: readonly string[],
  allowed: readonly TagKind[],
): void {
  const stray = produced.find((tag) => !kindOfTag(tag, allowed));
  if (stray !== undefined) {
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: `${owner} uses tag "${stray}", which its declaration (${allowed.join(', ') || 'none'}) does not cover.`,
    });
  }
}

/** Outside production, tags are checked against their declarations on every use. */
export const CHECK_TAGS = process.env.NODE_ENV !== 'production';
