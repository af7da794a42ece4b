/**
 * After a background refresh of a key fails, stale reads of that key do not start another one
 * at once (a failing loader would otherwise run once per read): the next attempt waits 1 s,
 * doubling per consecutive failure up to 30 s. Bounded: the oldest keys are forgotten first.
 */
const FIRST_MS = 1000;
const MAX_MS = 30_000;
const MAX_KEYS = 10_000;

export class RefreshBackoff {
  private readonly failures = new Map<string, { count: number; until: number }>();

  isWaiting(key: string, now = Date.now()): boolean {
    const state = this.failures.get(key);
    return state !== undefined && now < state.until;
  }

  failed(key: string, now = Date.now()): void {
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    this.failures.delete(key);
    if (this.failures.size >= MAX_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(key, { count, until: now + Math.min(FIRST_MS * 2 ** (count - 1), MAX_MS) });
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }
}
