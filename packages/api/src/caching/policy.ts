import type { CacheStatus } from '@stash/cache';
import type { Session } from '../auth/session';
import type { Context } from '../context';
import type { TagKind } from './tags';

/** Default lifetimes per area (DESIGN.md, contract item 3). */
export const TTL = {
  marketplace: 5 * 60_000,
  templates: 10 * 60_000,
  workspaces: 60_000,
} as const;

export type CacheScope = 'public' | 'user';

/** What a live overlay may use: the cache and the database, never the session. */
export type LiveContext = Pick<Context, 'cache' | 'cacheKeyPrefix' | 'prisma' | 'cacheMode'>;

/**
 * What a public entry is built from: a context without `session`, so per-user data cannot
 * reach an entry every visitor shares (reading `ctx.session` there is a compile error).
 */
export type PublicContext<TCtx extends Context = Context> = Omit<TCtx, 'session'>;
/** What a user-scoped entry is built and authorized with: a signed-in context. */
export type SignedInContext = Context & { session: Session };

/**
 * How one read procedure is cached. Declared next to the procedure; collected into a
 * registry so docs/caching.md can be generated from the code. `TCtx` is what the policy's
 * own functions see: PublicContext or SignedInContext, by scope.
 */
interface BaseCachePolicy<TInput, TOutput, TCtx> {
  /** The router path; checked against tRPC's path at run time so keys never collide. */
  path: string;
  /** Bump when the output shape changes: old entries are then never read into the new shape. */
  version: string;
  ttlMs: number;
  /** Serve an expired entry this long while one background refresh runs. */
  graceMs?: number;
  /**
   * A soft invalidation makes an entry stale only once it is this old: the bound on how long
   * softly invalidated fields (install counts in lists) may lag a write, and the most often a
   * list refreshes under a stream of writes.
   */
  softStaleAfterMs?: number;
  /**
   * Also keep entries in the in-process L1 (default false). Other instances drop their L1 copy
   * a few ms after a write (pub/sub), so only data that may lag a write that long belongs
   * there: the soft-invalidated marketplace lists. Everything else is read from Redis, where
   * an invalidation is visible to the very next read on every instance.
   */
  l1?: boolean;
  /**
   * Overlays live facts (caching/live.ts) on the cached value on every call, hit or miss: the
   * cached entry is the slow-changing skeleton, so the writes that change those facts need not
   * invalidate it. Returns the value shown and how the facts' reads went.
   */
  live?: (value: TOutput, ctx: LiveContext) => Promise<{ value: TOutput; status: CacheStatus }>;
  /** Tags known from the input. */
  tags: (input: TInput, ctx: TCtx) => string[];
  /** Tags derived from the result, e.g. one per entity id that appears in it. */
  tagsFromOutput?: (output: TOutput) => string[];
  /** The tag kinds this procedure may produce (for docs, and checked at run time). */
  tagKinds: readonly TagKind[];
}

/** Shared by everyone: no authorization step (there is nothing per-user to protect). */
export interface PublicCachePolicy<TInput, TOutput> extends BaseCachePolicy<TInput, TOutput, PublicContext> {
  scope: 'public';
  authorize?: never;
}

/** The caller's id is in the key, and `authorize` must say who may read it. */
export interface UserCachePolicy<TInput, TOutput> extends BaseCachePolicy<TInput, TOutput, SignedInContext> {
  scope: 'user';
  /** Runs before the cache is read: throw to refuse. */
  authorize: (ctx: SignedInContext, input: TInput) => Promise<void>;
}

export type CachePolicy<TInput, TOutput> =
  | PublicCachePolicy<TInput, TOutput>
  | UserCachePolicy<TInput, TOutput>;

export interface CachePolicySummary {
  path: string;
  version: string;
  ttlMs: number;
  graceMs: number;
  softStaleAfterMs: number;
  scope: CacheScope;
  l1: boolean;
  /** Live facts are overlaid on the cached value on every call. */
  live: boolean;
  tagKinds: readonly TagKind[];
}

const registry = new Map<string, CachePolicySummary>();

export function registerPolicy(policy: CachePolicySummary): void {
  registry.set(policy.path, policy);
}

export function registeredPolicies(): CachePolicySummary[] {
  return [...registry.values()].sort((a, b) => a.path.localeCompare(b.path));
}

const otherNamespaces = new Set<string>();

/** A cache namespace used outside `cached()` (e.g. memberships); returns the name. */
export function registerNamespace(name: string): string {
  otherNamespaces.add(name);
  return name;
}

/** Every namespace the API caches in: the cache engine marks invalidated tags in each. */
export function cacheNamespaces(): string[] {
  return [...new Set([...registry.keys(), ...otherNamespaces])].sort();
}
