import type { CdnName } from './formats';

/** Purges a CDN by cache tag: the one thing each adapter does. */
export interface Purger {
  readonly cdn: CdnName;
  /**
   * Purges every object tagged with any of these tags (the tags as the cache engine names them:
   * each adapter sends their wire keys, wire.ts). Rejects with a PurgeError naming what failed;
   * batches sent before a failure stay purged, and purging again is harmless.
   */
  purge(tags: readonly string[]): Promise<void>;
}

/** How long one purge request may take, unless configured (STASH_CDN_PURGE_TIMEOUT_MS). */
export const DEFAULT_PURGE_TIMEOUT_MS = 5_000;
