/**
 * In-process de-duplication: concurrent calls for one key share one promise, so N callers of a
 * cold key cost one store read and at most one loader run in this process.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inflight.get(key);
    if (existing) return existing;
    const promise = fn();
    this.inflight.set(key, promise);
    // Registered before any caller's handler, so a caller that comes back at once (even from its
    // own handler) starts a new flight. Not `finally`: that is a promise and two turns more.
    const land = () => {
      if (this.inflight.get(key) === promise) this.inflight.delete(key);
    };
    promise.then(land, land);
    return promise;
  }

  /** Settles when every flight running now has settled (used by close()). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight.values()]);
  }
}
