/**
 * How a cached read is declared (the options of `cachedProcedure`), and the registry of every
 * cached procedure by the path it is mounted at: docs/caching.md is generated from it and the
 * cache engine marks invalidated tags in each of its namespaces.
 */
import type { Session } from '../auth/session';
import type { Context } from '../context';
import { type Duration, toMs } from './duration';
import type { TagKind } from './tags';

/** Default lifetimes per area; the engine adds up to 10 % jitter per entry (docs/architecture.md). */
export const TTL = {
  marketplace: '5m',
  templates: '10m',
  workspaces: '1m',
} as const satisfies Record<string, Duration>;

export type CacheScope = 'public' | 'user';

/**
 * What a public entry is built from: a context without `session`, so per-user data cannot
 * reach an entry every visitor shares (reading `ctx.session` there is a compile error).
 */
export type PublicContext<TCtx extends Context = Context> = Omit<TCtx, 'session'>;
/** What a user-scoped entry is built and authorized with: a signed-in context. */
export type SignedInContext = Context & { session: Session };

/** What a live overlay (caching/live.ts) may use: the cache and the database, never the session. */
export type LiveContext = Pick<Context, 'cache' | 'cacheKeyPrefix' | 'prisma' | 'cacheMode'> &
  Partial<Pick<Context, 'l1Reads'>>;

/** The first argument of `cachedProcedure`: everything about the entry except its tags' values. */
export interface CacheOptions {
  /** 'public': one entry for everyone. 'user': the caller's id is in the key, `.authorize()` required. */
  scope: CacheScope;
  /** How long an entry is fresh: ms or '30s', '5m', '1h'. */
  ttl: Duration;
  /** Bump when the output shape changes: old entries are then never read into the new shape. */
  version?: string;
  /** Serve an expired entry this long while one background refresh runs. */
  grace?: Duration;
  /**
   * A soft invalidation makes an entry stale only once it is this old: the bound on how long
   * softly invalidated fields (install counts in lists) may lag a write, and the most often a
   * list refreshes under a stream of writes.
   */
  softLag?: Duration;
  /**
   * Also keep entries in the in-process L1 (default false). Other instances drop their L1 copy
   * a few ms after a write (pub/sub), so only data that may lag a write that long belongs
   * there: the soft-invalidated marketplace lists. Everything else is read from Redis, where
   * an invalidation is visible to the very next read on every instance.
   */
  l1?: boolean;
  /** The tag kinds this procedure's entries may carry (for docs, and checked at run time). */
  tags: readonly TagKind[];
}

/** The options in the units the engine uses; what docs/caching.md shows. */
export interface CachePolicy {
  version: string;
  ttlMs: number;
  graceMs: number;
  softStaleAfterMs: number;
  scope: CacheScope;
  l1: boolean;
  tagKinds: readonly TagKind[];
}

export function normalizeOptions(options: CacheOptions): CachePolicy {
  return {
    version: options.version ?? 'v1',
    ttlMs: toMs(options.ttl),
    graceMs: toMs(options.grace ?? 0),
    softStaleAfterMs: toMs(options.softLag ?? 0),
    scope: options.scope,
    l1: options.l1 ?? false,
    tagKinds: options.tags,
  };
}

/** What a procedure carries in its tRPC `meta`, so the registry can find it by mount path. */
export interface ProcedureMeta {
  cache?: CachePolicy;
}

export interface CachePolicySummary extends CachePolicy {
  path: string;
}

const registry = new Map<string, CachePolicySummary>();

/** The slice of a tRPC router the registry reads: its flat map of path -> procedure. */
interface RouterLike {
  _def: { procedures: Record<string, unknown> };
}

function policyOf(procedure: unknown): CachePolicy | undefined {
  if (typeof procedure !== 'function' || !('_def' in procedure)) return undefined;
  const def: unknown = procedure._def;
  if (typeof def !== 'object' || def === null || !('meta' in def)) return undefined;
  const meta = def.meta as ProcedureMeta | undefined;
  return meta?.cache;
}

/**
 * Records every cached procedure of `router` under the path it is mounted at. Called once for
 * the app router (root.ts): the path in keys, docs and namespaces is where the procedure lives,
 * never a string typed next to it.
 */
export function registerCachedProcedures(router: RouterLike): void {
  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    const policy = policyOf(procedure);
    if (policy) registry.set(path, { path, ...policy });
  }
}

/** The policy of the cached procedure mounted at `path` (a Map lookup: the HTTP hot path asks). */
export function policyAt(path: string): CachePolicySummary | undefined {
  return registry.get(path);
}

export function registeredPolicies(): CachePolicySummary[] {
  return [...registry.values()].sort((a, b) => a.path.localeCompare(b.path));
}

const otherNamespaces = new Set<string>();

/** A cache namespace used outside `cachedProcedure` (e.g. memberships); returns the name. */
export function registerNamespace(name: string): string {
  otherNamespaces.add(name);
  return name;
}

/** Every namespace the API caches in: the cache engine marks invalidated tags in each. */
export function cacheNamespaces(): string[] {
  return [...new Set([...registry.keys(), ...otherNamespaces])].sort();
}
