/**
 * The registry of every cached procedure by the path it is mounted at, and of every other cache
 * namespace the app uses. It is a value built from the router (`createCacheRegistry(appRouter,
 * ...)` in cache-registry.ts) and handed to what needs it (the engine's namespaces, the response
 * cache, docs/caching.md), never a module-level table that importing the routers fills in.
 */
import type { CachePolicy, ProcedureMeta } from './policy';

export interface CachePolicySummary extends CachePolicy {
  path: string;
}

/** The slice of a tRPC router the registry reads: its flat map of path -> procedure. */
export interface RouterLike {
  _def: { procedures: Record<string, unknown> };
}

export interface CacheRegistry {
  /** The policy of the cached procedure mounted at `path` (a Map lookup: the HTTP hot path asks). */
  policyAt(path: string): CachePolicySummary | undefined;
  /** Every cached procedure, by path. */
  policies(): CachePolicySummary[];
  /** Every namespace the app caches in: the engine marks invalidated tags in each. */
  namespaces(): string[];
}

function policyOf(procedure: unknown): CachePolicy | undefined {
  if (typeof procedure !== 'function' || !('_def' in procedure)) return undefined;
  const def: unknown = procedure._def;
  if (typeof def !== 'object' || def === null || !('meta' in def)) return undefined;
  const meta = def.meta as ProcedureMeta | undefined;
  return meta?.cache;
}

/**
 * Reads every cached procedure of `router` under the path it is mounted at: the path in keys,
 * docs and namespaces is where the procedure lives, never a string typed next to it.
 * `namespaces` are the ones used outside cached procedures (live facts, authorization lookups,
 * stored responses).
 */
export function createCacheRegistry(
  router: RouterLike,
  options: { namespaces?: readonly string[] } = {},
): CacheRegistry {
  const byPath = new Map<string, CachePolicySummary>();
  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    const policy = policyOf(procedure);
    if (policy) byPath.set(path, { path, ...policy });
  }
  const sorted = [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  const namespaces = [...new Set([...byPath.keys(), ...(options.namespaces ?? [])])].sort();
  return {
    policyAt: (path) => byPath.get(path),
    policies: () => [...sorted],
    namespaces: () => [...namespaces],
  };
}
