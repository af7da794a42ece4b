/**
 * The contract between the engine and its authoritative store (Redis, or the memory store when
 * there is no Redis). Both implement the same semantics, so the read path has one story:
 * - `read` returns the entry AND what it takes to judge it (the namespace's origin and clock, the
 *   last invalidation mark of each tag) in one operation: validating costs no extra round trip;
 * - `write` stores an entry "built at" the clock value read BEFORE its loader ran, and refuses
 *   when one of its tags was hard-invalidated after that, or the store forgot the namespace.
 */

/** tag -> [last hard invalidation, last soft invalidation] as namespace clock values (0 = never). */
export type Marks = Map<string, readonly [number, number]>;

export interface StoredEntry {
  payload: string;
  /** Every tag the entry depends on (declared and derived from the value). */
  tags: string[];
  /** The namespace clock read before the loader ran: the entry reflects every write before it. */
  builtAt: number;
  /** Wall-clock ms when it was stored (soft invalidations of young entries are coalesced). */
  bornAt: number;
  freshUntil: number;
  expiresAt: number;
  /** Memory store only: the decoded value, set on the first hit and shared by later hits. */
  shared?: { value: unknown };
}

export interface ReadResult {
  entry: StoredEntry | null;
  /** Entries built before the origin come from a store state that was forgotten. */
  origin: number;
  /** The namespace clock now: a fill whose loader starts after this read is built at it. */
  clock: number;
  /** Marks of the requested tags and of the entry's tags. */
  marks: Marks;
  /**
   * Whether another process holds the fill lease of this key. Exact when the read was offered a
   * lease and did not take the hit-shaped path (an unknown key, a vanished entry, `lease.exact`);
   * a hit-shaped read does not look (false).
   */
  leased: boolean;
  /**
   * The read holds the fill lease with the token it was given. It may come with a usable entry
   * (the lease is taken before the entry is looked at): then the caller gives it back.
   */
  leaseAcquired: boolean;
  /** The store had no clock for this namespace and just created one (it forgot, or never knew). */
  clockCreated: boolean;
  /** Cluster only: the master that set the origin (N~n), null when none did. */
  owner?: string | null;
  /**
   * The newest position writes recorded with invalidations of the read's tags (the requested
   * ones and the entry's), 0n when none did. Absent when the read did not fetch positions (a
   * hit-shaped read: positions matter only to a loader, see `ReadOptions.positions`).
   */
  position?: bigint;
}

export interface LeaseRequest {
  token: string;
  ttlMs: number;
  /** Report whether the lease is held even beside an entry (a waiter polling needs it). */
  exact?: boolean;
}

export interface ReadOptions {
  /** Offer the fill lease (see `Store.read`). */
  lease?: LeaseRequest;
  /**
   * Fetch the tags' recorded positions whatever path the read takes: the caller runs a loader
   * next. A read that offers a lease fetches them anyway when it finds no usable entry.
   */
  positions?: boolean;
}

export interface WriteRequest {
  namespace: string;
  key: string;
  payload: string;
  /** Every tag: the declared ones and those derived from the value. */
  tags: readonly string[];
  builtAt: number;
  freshUntil: number;
  expiresAt: number;
  /** Released atomically with the write when given and still owned. */
  leaseToken?: string;
}

/** Write-through: a value a writer read inside its transaction, stored as that write lands. */
export interface PrimeRequest {
  namespace: string;
  key: string;
  payload: string;
  tags: readonly string[];
  /** The namespace clock the writer read before its transaction committed. */
  since: number;
  /** Where the write left the database, recorded with the tags' marks (positions.ts). */
  position?: bigint;
  freshUntil: number;
  expiresAt: number;
}

export interface Store {
  /** Remote stores are shared between processes (leases, bus) and guarded by timeout + breaker. */
  readonly remote: boolean;
  /**
   * With `lease`, a read that finds no entry also tries to take the fill lease; with
   * `lease.exact` it reports the lease state even when there is an entry (waiters polling a
   * lease need it).
   */
  read(namespace: string, key: string, tags: readonly string[], options?: ReadOptions): Promise<ReadResult>;
  write(request: WriteRequest): Promise<boolean>;
  acquireLease(namespace: string, key: string, token: string, ttlMs: number): Promise<boolean>;
  renewLease(namespace: string, key: string, token: string, ttlMs: number): Promise<boolean>;
  releaseLease(namespace: string, key: string, token: string): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  /** The namespace clock now (created if the store forgot it): a write's `since`. */
  clock(namespace: string): Promise<number>;
  /**
   * Hard-invalidates the request's tags and stores the value built at that tick, unless one of
   * the tags was invalidated after `since` (another write came after ours began): then it only
   * invalidates. Resolves whether the value was stored.
   */
  prime(request: PrimeRequest): Promise<boolean>;
}

export function markOf(marks: Marks, tag: string): readonly [number, number] {
  return marks.get(tag) ?? [0, 0];
}
