/**
 * The in-process L1 in front of Redis: an LRU of fresh entries only, holding the decoded value.
 *
 * An entry keeps the payload until its first hit, then the decoded value instead, and every
 * later hit hands out that same object: an L1 hit costs a Map lookup, no decoding. The value is
 * therefore shared between callers and must be treated as immutable; outside production it is
 * deep-frozen (`shareable`), so a mutation throws instead of corrupting later hits.
 * Coherence (bus, invalidation sequence) is the engine's business, not this module's.
 */
import { approximateBytes, deserialize, shareable } from './serializer';
import { type LruEntry, MemoryLru } from './stores/memory-lru';
import type { MemoryLimits } from './types';

interface L1Entry extends LruEntry {
  payload: string | undefined;
  value: unknown;
  /** The key's namespace, kept so a hit needs no key parsing to be counted. */
  namespace: string;
}

export class L1 {
  private readonly lru: MemoryLru<L1Entry>;

  constructor(limits: MemoryLimits) {
    this.lru = new MemoryLru(limits);
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.bytes;
  }

  /** The shared value of a fresh entry, or undefined (absent, expired or unreadable). */
  get(key: string, now: number): { value: unknown; namespace: string; expiresAt: number } | undefined {
    const entry = this.lru.get(key, now);
    if (!entry) return undefined;
    if (entry.payload !== undefined) {
      try {
        entry.value = shareable(deserialize(entry.payload));
      } catch {
        this.lru.delete(key); // unreadable: let the store path deal with it
        return undefined;
      }
      entry.payload = undefined; // the decoded value replaces it (the byte estimate stays)
    }
    return entry;
  }

  /** Fresh until `freshUntil`; decoded lazily, on the first hit. */
  set(key: string, namespace: string, payload: string, tags: readonly string[], freshUntil: number): void {
    const bytes = approximateBytes(payload, tags);
    this.lru.set(key, { payload, value: undefined, namespace, tags, expiresAt: freshUntil, bytes });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  deleteByTags(tags: readonly string[]): void {
    this.lru.deleteByTags(tags);
  }

  clear(): void {
    this.lru.clear();
  }
}
