/**
 * Browsers follow the server (docs/architecture.md): each cached query's response names
 * its tags, each mutation's response the tags it invalidated, and the client invalidates exactly
 * the queries that depend on them, in every open tab. No component lists procedures to refresh.
 */
export { type TagLinks, tagLinks } from './link';
export { createTagSync, DEFAULT_CHANNEL, type TagSync, type TagSyncOptions } from './query-sync';
export { type Match, type QueryView, TagIndex } from './tag-index';
export type { Invalidation } from './wire';
