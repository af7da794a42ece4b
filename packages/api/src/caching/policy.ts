import type { Context } from '../context';
import type { TagKind } from './tags';

/** Default lifetimes per area (DESIGN.md, contract item 3). */
export const TTL = {
  marketplace: 5 * 60_000,
  templates: 10 * 60_000,
  workspaces: 60_000,
} as const;

export type CacheScope = 'public' | 'user';

/**
 * How one read procedure is cached. Declared next to the procedure; collected into a
 * registry so docs/caching.md can be generated from the code.
 */
export interface CachePolicy<TInput, TOutput> {
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
  /** 'user' puts the caller's id in the key; 'public' entries are shared by everyone. */
  scope: CacheScope;
  /**
   * Also keep entries in the in-process L1 (default false). Other instances drop their L1 copy
   * a few ms after a write (pub/sub), so only data that may lag a write that long belongs
   * there: the soft-invalidated marketplace lists. Everything else is read from Redis, where
   * an invalidation is visible to the very next read on every instance.
   */
  l1?: boolean;
  /** Runs before the cache is read: throw to refuse. Required reading for user-scoped data. */
  authorize?: (ctx: Context, input: TInput) => Promise<void>;
  /** Tags known from the input. */
  tags: (input: TInput, ctx: Context) => string[];
  /** Tags derived from the result, e.g. one per entity id that appears in it. */
  tagsFromOutput?: (output: TOutput) => string[];
  /** The tag kinds this procedure may produce (for docs, and checked at run time). */
  tagKinds: readonly TagKind[];
}

export interface CachePolicySummary {
  path: string;
  version: string;
  ttlMs: number;
  graceMs: number;
  softStaleAfterMs: number;
  scope: CacheScope;
  l1: boolean;
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
