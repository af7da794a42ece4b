/**
 * Every cache tag the API uses, each declared once: the builder (`tags.agent(12)`), the pattern
 * docs/caching.md shows, and the matcher checks use all come from `defineTag`. A tag names
 * something cached entries depend on; invalidating it is how writes make stale reads disappear.
 */
import { defineTag } from '@stash/trpc-cache';

export const tags = {
  /** Every entry that shows this agent's own fields (detail, workspace pages). */
  agent: defineTag('agent:{agentId}'),
  /** An agent's install count (a live fact, written through by installs). */
  agentInstalls: defineTag('agent:{agentId}:installs'),
  /** Marketplace search/browse pages (their skeleton: install counts are overlaid live). */
  marketplaceLists: defineTag('marketplace:lists'),
  /** Category counts. */
  marketplaceCategories: defineTag('marketplace:categories'),
  template: defineTag('template:{templateId}'),
  templateCategory: defineTag('templates:category:{category}'),
  /** A workspace's own fields and members. */
  workspace: defineTag('workspace:{workspaceId}'),
  /** The agents installed in a workspace (a live fact, written through by installs). */
  workspaceInstalls: defineTag('workspace:{workspaceId}:installs'),
  /** The list of workspaces a user belongs to, and their memberships (used to authorize). */
  userMemberships: defineTag('user:{userId}:memberships'),
  /** The user's session version: invalidated when their sessions are revoked (sign-out). */
  userSession: defineTag('user:{userId}:session'),
};
