/**
 * The contract between the engine and its authoritative store (Redis, or the memory store when
 * there is no Redis). Both implement the same semantics, so the engine has one code path:
 * - `read` returns the entry AND the current generations of its tags (plus the tags the caller
 *   already knows) in one operation, so validating an entry costs no extra round trip;
 * - `write` stores an entry under the generations recorded when the fill STARTED, and refuses
 *   when a hard invalidation happened meanwhile (race safety, see tags.ts).
 */

/** tag -> [hard generation, soft generation]; a tag never invalidated is [0, 0]. */
export type Generations = Map<string, readonly [number, number]>;

export interface StoredEntry {
  payload: string;
  /** Every tag the entry depends on (declared, implicit prefix tags, derived from the value). */
  tags: string[];
  /** Generations the entry was built under: [hard, soft] per tag, flattened. */
  gens: number[];
  freshUntil: number;
  expiresAt: number;
  /** Memory store only: the decoded value, set on the first hit and shared by later hits. */
  shared?: { value: unknown };
}

export interface ReadResult {
  entry: StoredEntry | null;
  /** Current generations of the requested tags and of the entry's tags. */
  current: Generations;
  /** Namespace-wide invalidation counters [hard, soft]; they move on every invalidation. */
  epoch: readonly [number, number];
  /**
   * Whether another process holds the fill lease of this key. Only exact when the read found no
   * entry or was asked for `exactLease`; a hit's read does not look (false).
   */
  leased: boolean;
  /** The read found no entry and took the fill lease with the token it was given. */
  leaseAcquired: boolean;
}

export interface LeaseRequest {
  token: string;
  ttlMs: number;
}

export interface WriteRequest {
  slotNs: string;
  key: string;
  payload: string;
  /** Tags known when the fill started, with their generations read at that moment. */
  startTags: readonly string[];
  startGens: Generations;
  startEpoch: readonly [number, number];
  /** Tags only known after loading (tagsFromValue), not in startTags. */
  lateTags: readonly string[];
  freshUntil: number;
  expiresAt: number;
  /** Released atomically with the write when given and still owned. */
  leaseToken?: string;
}

export interface Store {
  /** Remote stores are shared between processes (leases, bus) and guarded by timeout + breaker. */
  readonly remote: boolean;
  /**
   * With `lease`, a read that finds no entry also tries to take the fill lease. `exactLease`
   * asks for the lease state even when there is an entry (waiters polling a lease need it).
   */
  read(
    slotNs: string,
    key: string,
    tags: readonly string[],
    lease?: LeaseRequest,
    exactLease?: boolean,
  ): Promise<ReadResult>;
  write(request: WriteRequest): Promise<boolean>;
  acquireLease(slotNs: string, key: string, token: string, ttlMs: number): Promise<boolean>;
  releaseLease(slotNs: string, key: string, token: string): Promise<void>;
  delete(slotNs: string, key: string): Promise<void>;
}

export function generationsOf(current: Generations, tag: string): readonly [number, number] {
  return current.get(tag) ?? [0, 0];
}
