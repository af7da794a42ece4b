export type { CacheStatus } from '@stash/cache';
export type { Session } from './auth/session';
export { SESSION_COOKIE } from './auth/session';
export type { CacheMode } from './caching/cached-call';
export { cachedProcedure } from './caching/cached-procedure';
export { INVALIDATIONS } from './caching/invalidate';
export { registeredPolicies, TTL } from './caching/policy';
export { CacheReport, formatCacheReport, InvalidationLog } from './caching/report';
export { TAG_PATTERNS, tags } from './caching/tags';
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
