/**
 * The registry: every cached read and every declared write of a router, by the path each is
 * mounted at, plus the live facts and other namespaces the app caches in. A value built from the
 * router (`caching.registry(appRouter)`) and handed to what needs it: the engine's namespaces,
 * an HTTP layer's freshness rules, generated docs. Nothing fills it by being imported.
 */
import type { LiveFact } from './live';
import type { CachingMeta } from './meta';
import type { CachePolicy } from './policy';
import { type AnyTag, tagDefOf } from './tags';
import type { WriteRule } from './write';

export interface CachePolicySummary extends CachePolicy {
  path: string;
}

export interface WriteRuleSummary extends WriteRule {
  path: string;
}

/** The slice of a tRPC router the registry reads: its flat map of path -> procedure. */
export interface RouterLike {
  _def: { procedures: Record<string, unknown> };
}

export interface CacheRegistry {
  /** The policy of the cached read mounted at `path` (a Map lookup: an HTTP hot path may ask). */
  policyAt(path: string): CachePolicySummary | undefined;
  /** Every cached read, by path. */
  policies(): CachePolicySummary[];
  /** Every mutation that declared what it changes, by path. */
  writes(): WriteRuleSummary[];
  liveFacts(): LiveFact<unknown, never>[];
  /** Every namespace: the engine marks invalidated tags in each (pass to `createCache`). */
  namespaces(): string[];
  /**
   * Can some declared write change an answer carrying this tag? (An unknown tag: assume so.) A
   * shared cache that hears no invalidation may keep only answers for which this is false.
   */
  changesOnWrite(tag: string): boolean;
}

function metaOf(procedure: unknown): CachingMeta | undefined {
  if (typeof procedure !== 'function' || !('_def' in procedure)) return undefined;
  const def: unknown = procedure._def;
  if (typeof def !== 'object' || def === null || !('meta' in def)) return undefined;
  return def.meta as CachingMeta | undefined;
}

export function buildRegistry(
  router: RouterLike,
  known: { liveFacts: readonly LiveFact<unknown, never>[]; namespaces: readonly string[] },
): CacheRegistry {
  const policies = new Map<string, CachePolicySummary>();
  const writes: WriteRuleSummary[] = [];
  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    const meta = metaOf(procedure);
    if (meta?.cache) policies.set(path, { path, ...meta.cache });
    if (meta?.cacheWrites) writes.push({ path, ...meta.cacheWrites });
  }
  const byPath = <T extends { path: string }>(a: T, b: T) => a.path.localeCompare(b.path);
  const sortedPolicies = [...policies.values()].sort(byPath);
  writes.sort(byPath);
  const namespaces = [
    ...new Set([...policies.keys(), ...known.liveFacts.map((f) => f.namespace), ...known.namespaces]),
  ].sort();
  const written = new Set<AnyTag>(
    writes.flatMap((w) => [...w.invalidates, ...w.softInvalidates, ...w.writeThrough.map((f) => f.tag)]),
  );
  const allTags = new Set<AnyTag>([
    ...written,
    ...sortedPolicies.flatMap((p) => p.tags),
    ...known.liveFacts.map((f) => f.tag),
  ]);
  return {
    policyAt: (path) => policies.get(path),
    policies: () => [...sortedPolicies],
    writes: () => [...writes],
    liveFacts: () => [...known.liveFacts],
    namespaces: () => [...namespaces],
    changesOnWrite: (tag) => {
      const def = tagDefOf(tag, allTags);
      return def === undefined || written.has(def);
    },
  };
}
