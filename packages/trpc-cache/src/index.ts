export type { CallOptions, LiveOverlay, QueryRules, Resolver } from './cached-call';
export {
  type CachedMutation,
  type CachedQuery,
  type Caching,
  type CachingOptions,
  type ContextOf,
  createCaching,
  type MutationCall,
  type PublicContext,
  type SignedInContext,
} from './caching';
export { type Duration, toMs } from './duration';
export type { ContextAccessors } from './env';
export { type LiveFact, type LiveReader, type LiveValues, liveKey } from './live';
export type { CachingMeta } from './meta';
export { type Delivery, deliver, type OutboxId, type OutboxStore, type TagsToDrop } from './outbox';
export type { CacheOptions, CachePolicy, CacheScope } from './policy';
export { purgeShared, type SharedCachePurge } from './purge';
export type { CachePolicySummary, CacheRegistry, RouterLike, WriteRuleSummary } from './registry';
export { OutboxRelay, RELAY_INTERVAL_MS, RELAY_MIN_AGE_MS } from './relay';
export { CacheReport, type CallReport, formatCacheReport, InvalidationLog } from './report';
export { worstStatus } from './status';
export {
  type AnyTag,
  type ConstantTag,
  defineTag,
  type TagDef,
  type TagPick,
  type TagRule,
  type TagValue,
  UndeclaredTagError,
} from './tags';
export type { Write, WriteRecorder, WriteRule } from './write';
