/**
 * In-process de-duplication: concurrent calls for one key share one promise, so N callers of a
 * cold key cost one store read and at most one loader run in this process.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inflight.get(key);
    if (existing) return existing;
    const promise = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /** Settles when every flight running now has settled (used by close()). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight.values()]);
  }
}
