/**
 * The CDN as the app uses it (docs/cdn.md): the tag header stored public answers carry, how long
 * the CDN may keep such an answer, and the purge that follows every write's invalidation (the
 * outbox's delivery, `@stash/trpc-cache` purge.ts). Absent when no CDN is configured.
 *
 * Install counts are soft at the CDN: every search page and agent page shows them, so purging
 * those pages on each install sent most anonymous reads back to the origin. A CDN copy therefore
 * does not carry the count tags, installs purge nothing public, and such a copy's `s-maxage` is
 * capped by `softMaxAgeMs` instead: that is how old an anonymous reader's count may be. Signed-in
 * reads pass the CDN and show counts live; every other fact (names, descriptions, templates,
 * anything a mutation invalidates besides counts) is still purged at once.
 */
import type { CdnConfig, TagHeaderFormat } from '@stash/cdn';
import type { AnyTag, SharedCachePurge } from '@stash/trpc-cache';
import { tags } from './tags';

/**
 * The facts a CDN copy is never purged for (docs/architecture.md states the bound): install
 * counts, and a workspace's installs, which only user-scoped answers show today (never stored by
 * a CDN); were a public answer to show them, the soft cap would bound them the same way.
 */
export const SOFT_AT_CDN: readonly AnyTag[] = [tags.agentInstalls, tags.workspaceInstalls];

/** Is this tag one of the soft facts (left out of the CDN's tag header, never purged)? */
export const softAtCdn = (tag: string): boolean => SOFT_AT_CDN.some((def) => def.matches(tag));

/**
 * The last part of an answer's TTL in which a request rebuilds a stored public answer rather than
 * hand it out (response-cache.ts), as a share of the TTL. A CDN keeps a copy no longer than its
 * parts stay fresh, so a copy handed out near the end comes back within seconds: one origin
 * request more per copy and lifetime, and at 0 s left Varnish stops storing the URL for 2 min
 * (its hit-for-miss). With the rebuild every copy a CDN gets lives at least this share of the TTL.
 */
export const REFRESH_AHEAD = 0.1;

export interface CdnWiring {
  tagHeader: TagHeaderFormat;
  /** `s-maxage` cap of an answer carrying its tags (never past its parts' own freshness). */
  maxAgeMs: number;
  /** `s-maxage` cap of an answer that shows soft facts too: how old they may be at the CDN. */
  softMaxAgeMs: number;
  /** `REFRESH_AHEAD` (tests set 0: never rebuild early, or 1: always). */
  refreshAhead: number;
  /** Tags a CDN copy does not carry (`softAtCdn`). */
  softTag: (tag: string) => boolean;
  purge: SharedCachePurge;
}

export interface CdnWiringOptions {
  tagHeader: TagHeaderFormat;
  maxAgeMs: number;
  softMaxAgeMs: number;
  purge: (tags: readonly string[]) => Promise<void>;
  waitMs: number;
  againAfterMs: number;
  log: (message: string, meta?: object) => void;
}

/** The wiring for these settings, with the soft facts left out of headers and purges alike. */
export function wireCdn(options: CdnWiringOptions): CdnWiring {
  return {
    tagHeader: options.tagHeader,
    maxAgeMs: options.maxAgeMs,
    softMaxAgeMs: options.softMaxAgeMs,
    refreshAhead: REFRESH_AHEAD,
    softTag: softAtCdn,
    purge: {
      purge: options.purge,
      waitMs: options.waitMs,
      againAfterMs: options.againAfterMs,
      notShared: softAtCdn,
      log: options.log,
    },
  };
}

export function cdnWiring(
  config: CdnConfig,
  log: (message: string, meta?: object) => void = (m, meta) => console.warn(m, meta ?? ''),
): CdnWiring | undefined {
  if (config.cdn === 'none') return undefined;
  return wireCdn({
    tagHeader: config.tagHeader,
    maxAgeMs: config.maxAgeMs,
    softMaxAgeMs: config.softMaxAgeMs,
    purge: (tags) => config.purger.purge(tags),
    waitMs: config.purgeWaitMs,
    againAfterMs: config.repurgeAfterMs,
    log,
  });
}
