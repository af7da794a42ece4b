/**
 * The CDN as the app uses it (docs/cdn.md): the tag header stored public answers carry, how long
 * the CDN may keep such an answer, and the purge that follows every write's invalidation (the
 * outbox's delivery, `@stash/trpc-cache` purge.ts). Absent when no CDN is configured.
 */
import type { CdnConfig, TagHeaderFormat } from '@stash/cdn';
import type { SharedCachePurge } from '@stash/trpc-cache';

export interface CdnWiring {
  tagHeader: TagHeaderFormat;
  /** `s-maxage` cap of an answer carrying its tags (never past its parts' own freshness). */
  maxAgeMs: number;
  purge: SharedCachePurge;
}

export function cdnWiring(
  config: CdnConfig,
  log: (message: string, meta?: object) => void = (m, meta) => console.warn(m, meta ?? ''),
): CdnWiring | undefined {
  if (config.cdn === 'none') return undefined;
  return {
    tagHeader: config.tagHeader,
    maxAgeMs: config.maxAgeMs,
    purge: {
      purge: (tags) => config.purger.purge(tags),
      waitMs: config.purgeWaitMs,
      againAfterMs: config.repurgeAfterMs,
      log,
    },
  };
}
