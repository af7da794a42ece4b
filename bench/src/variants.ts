/** The variants one run measures, in table order. Shared by the orchestrator and the server child. */
export const SERVER_VARIANTS = [
  'memory',
  'redis-get',
  'trpc-constant',
  'api-l1',
  'api-redis',
  'api-bypass',
] as const;

export type ServerVariant = (typeof SERVER_VARIANTS)[number];
/** The variants `next start` serves, in table order. */
export const NEXT_VARIANTS = [
  'next-constant',
  'next-constant-same-url',
  'next-api',
  'next-trpc-constant',
  'next-api-304',
  'next-ws-byid',
  'next-ws-mine',
] as const;

export type NextVariant = (typeof NEXT_VARIANTS)[number];
/** Measured by `bench:cdn` only: Varnish (cdn/stash.vcl) in front of `next start`. */
export type CdnVariant = 'cdn-varnish';
export type Variant = ServerVariant | NextVariant | CdnVariant;

export const LABELS: Record<Variant, string> = {
  memory: '1. node http, bytes from memory (ceiling)',
  'redis-get': '2. node http, one ioredis GET of the bytes',
  'trpc-constant': '3. tRPC fetch adapter, constant object (framework cost)',
  'api-l1': '4. marketplace.search, Redis + L1 (stored response in L1)',
  'api-redis': '5. marketplace.search, Redis only (stored response from Redis)',
  'api-bypass': '6. marketplace.search, cache bypassed (PostgreSQL)',
  'next-constant': '7. Next route handler, the same bytes from memory (Next ceiling)',
  'next-constant-same-url': '7b. the same as 7 at a tRPC-shaped URL (dynamic segment, `?input=`)',
  'next-api': '8. marketplace.search via `next start` (stored response, L1)',
  'next-trpc-constant': '9. tRPC route in the same Next app, constant object (framework cost)',
  'next-api-304': '10. marketplace.search via `next start`, matching If-None-Match (304)',
  'next-ws-byid': '11. signed in: workspaces.byId via `next start`, 34 installs (cache hit)',
  'next-ws-mine': '12. signed in: workspaces.mine via `next start` (cache hit)',
  'cdn-varnish': '13. marketplace.search through Varnish in front of `next start` (a Varnish hit)',
};

/** What `x-stash-cache` must say on a measured request (null: the variant sets no header). */
export const EXPECTED_CACHE_HEADER: Record<Variant, string | null> = {
  memory: null,
  'redis-get': null,
  'trpc-constant': null,
  'api-l1': 'marketplace.search=hit',
  'api-redis': 'marketplace.search=hit',
  'api-bypass': 'marketplace.search=bypass',
  'next-constant': null,
  'next-constant-same-url': null,
  'next-api': 'marketplace.search=hit',
  'next-trpc-constant': null,
  'next-api-304': 'marketplace.search=hit',
  'next-ws-byid': 'workspaces.byId=hit',
  'next-ws-mine': 'workspaces.mine=hit',
  // The app's answer Varnish stored: the stored response's hit.
  'cdn-varnish': 'marketplace.search=hit',
};

/** The status a measured request must get (200 unless said here). */
export const EXPECTED_STATUS: Partial<Record<Variant, number>> = { 'next-api-304': 304 };

/** `marketplace.search` with its default input (`{}` through superjson: every field defaulted). */
/** Served by apps/web only when STASH_BENCH_CONSTANT_FILE is set. */
export const NEXT_CONSTANT_PATH = '/api/bench/constant';

/** Row 7 at the URL shape of a tRPC GET: the same routing and query work as SEARCH_PATH. */
export const NEXT_CONSTANT_SAME_URL_PATH = `/api/bench/constant/marketplace.search?input=${encodeURIComponent('{"json":{}}')}`;

/** Served by apps/web only when STASH_BENCH_CONSTANT_FILE is set: tRPC answering a constant. */
export const NEXT_TRPC_CONSTANT_PATH = `/api/bench/trpc/marketplace.search?input=${encodeURIComponent('{"json":{}}')}`;

export const SEARCH_PATH = `/api/trpc/marketplace.search?input=${encodeURIComponent('{"json":{}}')}`;

export const ADMIN_EMAIL = 'ada@stash.dev';

/** Environment the orchestrator hands to each server child. */
export interface ServerEnv {
  BENCH_VARIANT: ServerVariant;
  DATABASE_URL: string;
  REDIS_URL: string;
  /** Unique per run: cache keys and the raw GET key live under it. */
  BENCH_PREFIX: string;
  /** File holding the captured search response body (variants 1-3). */
  BENCH_BODY_FILE: string;
  SESSION_SECRET: string;
}

export function isNextVariant(value: string | undefined): value is NextVariant {
  return (NEXT_VARIANTS as readonly string[]).includes(value ?? '');
}

export function isServerVariant(value: string | undefined): value is ServerVariant {
  return (SERVER_VARIANTS as readonly string[]).includes(value ?? '');
}
