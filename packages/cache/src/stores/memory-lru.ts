/**
 * Bounded LRU by entry count and by (approximate) bytes, with a tag index.
 * Used twice: as the L1 in front of Redis and as the memory store when there is no Redis.
 * The tag index only holds keys that are in the LRU, so it is bounded by `maxEntries`; it lets
 * an invalidation message drop exactly the local copies that carry a tag without a scan.
 * A Map keeps insertion order, so "move to the back on read, evict from the front" is LRU.
 */
import type { MemoryLimits } from '../types';

export interface LruEntry {
  readonly tags: readonly string[];
  readonly expiresAt: number;
  readonly bytes: number;
  /** Written by the LRU: the move counter when the entry last went to the back. */
  movedAt?: number;
}

export class MemoryLru<E extends LruEntry> {
  private readonly entries = new Map<string, E>();
  private readonly byTag = new Map<string, Set<string>>();
  private totalBytes = 0;
  /** Counts moves to the back; an entry moved fewer than size / 4 moves ago stays put. */
  private moves = 0;

  constructor(private readonly limits: MemoryLimits) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string, now: number): E | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.delete(key);
      return undefined;
    }
    // A hot key read again and again would be deleted and re-inserted on every hit (the
    // costliest part of an L1 hit). One moved within the last size / 4 moves is still in the
    // newest quarter of the order, whichever limit (count or bytes) evicts: close enough to LRU.
    if (this.moves - (entry.movedAt ?? 0) > this.entries.size / 4) {
      entry.movedAt = ++this.moves;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Returns false when the entry alone is larger than the byte budget (it is not stored). */
  set(key: string, entry: E): boolean {
    this.delete(key);
    if (entry.bytes > this.limits.maxBytes || this.limits.maxEntries <= 0) return false;
    entry.movedAt = ++this.moves;
    this.entries.set(key, entry);
    this.totalBytes += entry.bytes;
    for (const tag of entry.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) {
        keys = new Set();
        this.byTag.set(tag, keys);
      }
      keys.add(key);
    }
    this.evict();
    return true;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
    return true;
  }

  /** Drops every entry carrying any of the tags; returns how many were dropped. */
  deleteByTags(tags: readonly string[]): number {
    let dropped = 0;
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) if (this.delete(key)) dropped++;
    }
    return dropped;
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.totalBytes = 0;
  }

  private evict(): void {
    while (this.entries.size > this.limits.maxEntries || this.totalBytes > this.limits.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.delete(oldest.value);
    }
  }
}
