export type { CacheStatus } from '@stash/cache';
export {
  type CachePolicySummary,
  type CacheRegistry,
  CacheReport,
  formatCacheReport,
  InvalidationLog,
} from '@stash/trpc-cache';
export type { Session } from './auth/session';
export { SESSION_COOKIE } from './auth/session';
export { cacheRegistry, registeredPolicies } from './cache-registry';
export { caching } from './caching/caching';
export type { CacheMode } from './caching/caching-context';
export { TTL } from './caching/policy';
export { tags } from './caching/tags';
export { clientAddressOf, parseTrustedProxies, type TrustedProxies } from './client-address';
export { type ApiConfig, loadConfig } from './config';
export {
  type ApiDeps,
  type Context,
  createContextFromRequest,
  createContextInner,
  isAdmin,
} from './context';
export { devSessionSecret } from './dev-secret';
export { CACHE_HEADER, handleTrpcRequest } from './http';
export { bearerMatches, type OpsAccess, opsAccess, opsRefusal } from './ops-access';
export { searchAgents } from './queries/agents';
export { type AppRouter, appRouter, createCaller } from './root';
export { searchInput } from './routers/marketplace';
export { type ApiRuntime, createApiRuntime, createCacheFromConfig } from './runtime';
export type { RouterInputs, RouterOutputs } from './types';
