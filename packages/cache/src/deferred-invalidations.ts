/**
 * Tag bumps that could not reach Redis (timeout, breaker open). They are replayed before this
 * process's next Redis read, so a writer never reads back data from before its own write.
 */
import type { Strength } from './types';

export class DeferredInvalidations {
  /** tag -> strength; a hard bump of a tag wins over a soft one. */
  private readonly pending = new Map<string, Strength>();

  get size(): number {
    return this.pending.size;
  }

  add(tags: readonly string[], strength: Strength): void {
    for (const tag of tags) this.pending.set(tag, this.pending.get(tag) === 'hard' ? 'hard' : strength);
  }

  /** Sends hard bumps, then soft ones; forgets only what was sent (a newer add survives). */
  async replay(send: (tags: string[], strength: Strength) => Promise<void>): Promise<void> {
    const snapshot = [...this.pending];
    for (const strength of ['hard', 'soft'] as const) {
      const tags = snapshot.filter(([, pending]) => pending === strength).map(([tag]) => tag);
      if (tags.length > 0) await send(tags, strength);
    }
    for (const [tag, strength] of snapshot) {
      if (this.pending.get(tag) === strength) this.pending.delete(tag);
    }
  }
}
