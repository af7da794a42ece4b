/**
 * Tag bumps that could not reach Redis (timeout, breaker open). They are replayed before this
 * process's next Redis read, so a writer never reads back data from before its own write.
 */
import type { Strength } from './types';

export class DeferredInvalidations {
  /** tag -> strength; a hard bump of a tag wins over a soft one. */
  private readonly pending = new Map<string, Strength>();
  /** tag -> the newest position recorded with its bumps (positions.ts). */
  private readonly positions = new Map<string, bigint>();

  get size(): number {
    return this.pending.size;
  }

  add(tags: readonly string[], strength: Strength, position?: bigint): void {
    for (const tag of tags) {
      this.pending.set(tag, this.pending.get(tag) === 'hard' ? 'hard' : strength);
      const known = this.positions.get(tag);
      if (position !== undefined && (known === undefined || position > known))
        this.positions.set(tag, position);
    }
  }

  /**
   * Sends hard bumps, then soft ones; forgets only what was sent (a newer add survives). Each
   * group carries the newest position of its tags: more than some tag needs asks a fill for a
   * newer replica than necessary (at worst it reads the primary), never for an older one.
   */
  async replay(
    send: (tags: string[], strength: Strength, position: bigint | undefined) => Promise<void>,
  ): Promise<void> {
    const snapshot = [...this.pending];
    const positions = new Map(this.positions);
    for (const strength of ['hard', 'soft'] as const) {
      const tags = snapshot.filter(([, pending]) => pending === strength).map(([tag]) => tag);
      if (tags.length > 0) await send(tags, strength, newestOf(tags, positions));
    }
    for (const [tag, strength] of snapshot) {
      if (this.pending.get(tag) !== strength || this.positions.get(tag) !== positions.get(tag)) continue;
      this.pending.delete(tag);
      this.positions.delete(tag);
    }
  }
}

function newestOf(tags: readonly string[], positions: ReadonlyMap<string, bigint>): bigint | undefined {
  let newest: bigint | undefined;
  for (const tag of tags) {
    const position = positions.get(tag);
    if (position !== undefined && (newest === undefined || position > newest)) newest = position;
  }
  return newest;
}
