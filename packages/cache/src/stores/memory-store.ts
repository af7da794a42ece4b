/**
 * The memory store: the only tier when no Redis URL is configured (the embedded default).
 * It keeps the Redis store's semantics (a clock per store, last-invalidation marks per tag,
 * conditional write), so the read path above it is shared and tested once. Being in-process
 * and synchronous, its operations are atomic without scripts, and leases are unnecessary
 * (single-flight already covers the only process). It never forgets while the process lives,
 * so its origin is fixed.
 */
import { approximateBytes } from '../serializer';
import type { MemoryLimits, Strength } from '../types';
import { type LruEntry, MemoryLru } from './memory-lru';
import {
  type Marks,
  markOf,
  type PrimeRequest,
  type ReadResult,
  type Store,
  type StoredEntry,
  type WriteRequest,
} from './store';

type MemoryEntry = StoredEntry & LruEntry;

const ORIGIN = 1;

export class MemoryStore implements Store {
  readonly remote = false;
  private readonly lru: MemoryLru<MemoryEntry>;
  /** Grows with the number of distinct tags ever invalidated, never with entries. */
  private readonly marks = new Map<string, [number, number]>();
  /** tag -> the newest position recorded with its invalidations (kept as long as its marks). */
  private readonly positions = new Map<string, bigint>();
  private lastTick = ORIGIN;

  constructor(
    limits: MemoryLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.lru = new MemoryLru(limits);
  }

  get entries(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.bytes;
  }

  async read(_namespace: string, key: string, tags: readonly string[]): Promise<ReadResult> {
    const entry = this.lru.get(key, this.now()) ?? null;
    const current: Marks = new Map();
    for (const tag of tags) current.set(tag, markOf(this.marks, tag));
    if (entry) for (const tag of entry.tags) current.set(tag, markOf(this.marks, tag));
    let position = 0n;
    for (const tag of current.keys()) {
      const recorded = this.positions.get(tag);
      if (recorded !== undefined && recorded > position) position = recorded;
    }
    return {
      position,
      entry,
      origin: ORIGIN,
      clock: this.lastTick,
      marks: current,
      leased: false,
      leaseAcquired: false,
      clockCreated: false,
    };
  }

  async write(request: WriteRequest): Promise<boolean> {
    // Hard-invalidated since the loader started: the loaded value may predate the mutation.
    if (request.tags.some((tag) => markOf(this.marks, tag)[0] > request.builtAt)) return false;
    this.keep(request, request.builtAt);
    return true;
  }

  async acquireLease(): Promise<boolean> {
    return true;
  }

  async renewLease(): Promise<boolean> {
    return true;
  }

  async releaseLease(): Promise<void> {}

  async delete(_namespace: string, key: string): Promise<void> {
    this.lru.delete(key);
  }

  async clock(): Promise<number> {
    return this.lastTick;
  }

  async prime(request: PrimeRequest): Promise<boolean> {
    const overtaken = request.tags.some((tag) => markOf(this.marks, tag)[0] > request.since);
    await this.invalidate(request.tags, { strength: 'hard', position: request.position });
    if (overtaken) return false;
    this.keep(request, this.lastTick);
    return true;
  }

  private keep(request: Omit<WriteRequest, 'builtAt' | 'namespace'>, builtAt: number): void {
    this.lru.set(request.key, {
      payload: request.payload,
      tags: [...request.tags],
      builtAt,
      bornAt: this.now(),
      freshUntil: request.freshUntil,
      expiresAt: request.expiresAt,
      bytes: approximateBytes(request.payload, request.tags),
    });
  }

  async invalidate(
    tags: readonly string[],
    { strength, position }: { strength: Strength; position?: bigint | undefined },
  ): Promise<void> {
    const tick = ++this.lastTick;
    for (const tag of tags) {
      const mark = this.marks.get(tag) ?? [0, 0];
      mark[strength === 'soft' ? 1 : 0] = tick;
      this.marks.set(tag, mark);
      const recorded = this.positions.get(tag);
      if (position !== undefined && (recorded === undefined || position > recorded))
        this.positions.set(tag, position);
    }
    // Hard-invalidated entries can never be served again: free their memory now.
    if (strength === 'hard') this.lru.deleteByTags(tags);
  }

  clear(): void {
    this.lru.clear();
  }
}
