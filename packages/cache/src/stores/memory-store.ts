/**
 * The memory store: the only tier when no Redis URL is configured (the embedded default).
 * It keeps the same semantics as the Redis store (generations per tag, hard/soft counters,
 * conditional write), so everything above it is shared and tested once. Being in-process and
 * synchronous, its operations are atomic without scripts, and leases are unnecessary
 * (single-flight already covers the only process).
 */
import { approximateBytes } from '../serializer';
import type { MemoryLimits } from '../types';
import { type LruEntry, MemoryLru } from './memory-lru';
import {
  type Generations,
  generationsOf,
  type ReadResult,
  type Store,
  type StoredEntry,
  type WriteRequest,
} from './store';

type MemoryEntry = StoredEntry & LruEntry;

export class MemoryStore implements Store {
  readonly remote = false;
  private readonly lru: MemoryLru<MemoryEntry>;
  /** Grows with the number of distinct tags ever invalidated, never with entries. */
  private readonly generations = new Map<string, [number, number]>();
  private epoch: [number, number] = [0, 0];

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

  async read(_slotNs: string, key: string, tags: readonly string[]): Promise<ReadResult> {
    const entry = this.lru.get(key, this.now()) ?? null;
    const current: Generations = new Map();
    for (const tag of tags) current.set(tag, generationsOf(this.generations, tag));
    if (entry) for (const tag of entry.tags) current.set(tag, generationsOf(this.generations, tag));
    return { entry, current, epoch: [...this.epoch], leased: false, leaseAcquired: false };
  }

  async write(request: WriteRequest): Promise<boolean> {
    const gens: number[] = [];
    for (const tag of request.startTags) {
      const [startHard, startSoft] = generationsOf(request.startGens, tag);
      // Hard-invalidated since the fill started: the loaded value may predate the mutation.
      if (generationsOf(this.generations, tag)[0] !== startHard) return false;
      gens.push(startHard, startSoft);
    }
    const hardMoved = this.epoch[0] !== request.startEpoch[0];
    const softMoved = this.epoch[1] !== request.startEpoch[1];
    for (const tag of request.lateTags) {
      // We cannot know whether this late tag was the one invalidated mid-fill: be conservative.
      if (hardMoved) return false;
      const [hard, soft] = generationsOf(this.generations, tag);
      gens.push(hard, softMoved ? -1 : soft);
    }
    const tags = [...request.startTags, ...request.lateTags];
    this.lru.set(request.key, {
      payload: request.payload,
      tags,
      gens,
      freshUntil: request.freshUntil,
      expiresAt: request.expiresAt,
      bytes: approximateBytes(request.payload, tags),
    });
    return true;
  }

  async acquireLease(): Promise<boolean> {
    return true;
  }

  async releaseLease(): Promise<void> {}

  async delete(_slotNs: string, key: string): Promise<void> {
    this.lru.delete(key);
  }

  async invalidate(tags: readonly string[], soft: boolean): Promise<void> {
    const index = soft ? 1 : 0;
    for (const tag of tags) {
      const gens = this.generations.get(tag) ?? [0, 0];
      gens[index]++;
      this.generations.set(tag, gens);
    }
    this.epoch[index]++;
    // Hard-invalidated entries can never be served again: free their memory now.
    if (!soft) this.lru.deleteByTags(tags);
  }

  clear(): void {
    this.lru.clear();
  }
}
