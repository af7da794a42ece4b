/**
 * This process's own copies: the L1 in front of Redis, and the rule for when it may be used.
 *
 * L1 serves only while the bus provably works (bus.ts), because it is kept coherent by bus
 * messages alone. Every invalidation this process sees (its own, or one from the bus) drops the
 * local copies of its tags AND moves `seq`; a value read from Redis before that moment may not
 * enter L1 afterwards (`offer` compares the seq the read started under), so a read that raced an
 * invalidation never plants the old value here.
 */
import type { InvalidationBus } from './bus';
import { L1 } from './l1';
import type { MemoryLimits } from './types';

export class LocalTier {
  private readonly l1: L1 | undefined;
  private bus: InvalidationBus | undefined;
  private sequence = 0;

  constructor(limits: MemoryLimits | undefined) {
    this.l1 = limits ? new L1(limits) : undefined;
  }

  attachBus(bus: InvalidationBus): void {
    this.bus = bus;
  }

  get enabled(): boolean {
    return this.l1 !== undefined;
  }

  /** Moves on every invalidation seen here; reads remember it to know what they raced. */
  get seq(): number {
    return this.sequence;
  }

  get stats(): { entries: number; bytes: number } | null {
    return this.l1 ? { entries: this.l1.size, bytes: this.l1.bytes } : null;
  }

  get(key: string): { value: unknown; namespace: string; expiresAt: number } | undefined {
    if (!this.l1 || !this.bus?.isUp) return undefined;
    return this.l1.get(key, Date.now());
  }

  /** Keeps a fresh entry read or written under `seqAtRead`, unless an invalidation came since. */
  offer(
    key: string,
    namespace: string,
    payload: string,
    tags: readonly string[],
    freshUntil: number,
    seqAtRead: number,
  ): void {
    if (!this.l1 || seqAtRead !== this.sequence || !this.bus?.isUp) return;
    this.l1.set(key, namespace, payload, tags, freshUntil);
  }

  drop(tags: readonly string[], keys: readonly string[]): void {
    this.sequence++;
    if (!this.l1) return;
    this.l1.deleteByTags(tags);
    for (const key of keys) this.l1.delete(key);
  }

  /** The bus went down (messages may be lost) or the engine closes: forget everything. */
  clear(): void {
    this.sequence++;
    this.l1?.clear();
  }
}
