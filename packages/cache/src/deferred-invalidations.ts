/**
 * Tag bumps that could not reach Redis (timeout, breaker open). They are replayed before this
 * process's next Redis read, so a writer never reads back data from before its own write.
 */
export class DeferredInvalidations {
  /** tag -> soft; a hard bump of a tag wins over a soft one. */
  private readonly pending = new Map<string, boolean>();

  get size(): number {
    return this.pending.size;
  }

  add(tags: readonly string[], soft: boolean): void {
    for (const tag of tags) this.pending.set(tag, soft && this.pending.get(tag) !== false);
  }

  /** Sends hard bumps, then soft ones; forgets only what was sent (a newer add survives). */
  async replay(send: (tags: string[], soft: boolean) => Promise<void>): Promise<void> {
    const snapshot = [...this.pending];
    for (const soft of [false, true]) {
      const tags = snapshot.filter(([, isSoft]) => isSoft === soft).map(([tag]) => tag);
      if (tags.length > 0) await send(tags, soft);
    }
    for (const [tag, soft] of snapshot) {
      if (this.pending.get(tag) === soft) this.pending.delete(tag);
    }
  }
}
