/**
 * Timeouts that measure Redis, not our own event loop.
 *
 * A plain `setTimeout` race is wrong on a busy process: when a burst, a GC pause or a synchronous
 * bcrypt holds the loop, libuv runs the timers phase BEFORE the poll phase that would read a
 * reply that has been sitting in the socket buffer for a while, so a healthy Redis "times out".
 * Here the timer only starts the verdict:
 * 1. When it fires, one `setImmediate` lets the poll phase run first: a reply that already
 *    arrived settles the operation before we judge it.
 * 2. If the timer itself fired late (the loop was busy for a good part of the budget), the
 *    budget is granted again, because most of it was spent by us, not by Redis. This repeats
 *    until `maxMs` of wall time, so a truly dead Redis is still given up on.
 * Only an operation that stays unanswered through an on-time timer AND a poll phase fails; the
 * guard counts those (and connection errors) toward the circuit breaker, nothing else.
 */
export class CacheTimeoutError extends Error {
  constructor(label: string, ms: number) {
    super(`cache ${label} timed out after ${ms} ms`);
    this.name = 'CacheTimeoutError';
  }
}

/** A timer that fires this much later than asked means the loop, not Redis, used the time. */
const LATE_FRACTION = 0.5;

/**
 * `settled` runs once, just before the returned promise settles (`ok`: it resolves): the
 * guard's bookkeeping without a promise step of its own.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  label: string,
  settled?: (ok: boolean, error?: unknown) => void,
  maxMs = ms * 8,
): Promise<T> {
  // One promise and (usually) one timer per operation: this wraps every store call on the hot path.
  return new Promise<T>((resolve, reject) => {
    const started = performance.now();
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (delay: number) => {
      const due = performance.now() + delay;
      timer = setTimeout(() => {
        const lateBy = performance.now() - due;
        setImmediate(() => {
          if (done) return;
          const elapsed = performance.now() - started;
          if (lateBy > delay * LATE_FRACTION && elapsed < maxMs) arm(Math.min(ms, maxMs - elapsed));
          else {
            done = true;
            const error = new CacheTimeoutError(label, Math.round(elapsed));
            settled?.(false, error);
            reject(error);
          }
        });
      }, delay);
    };
    arm(ms);
    promise.then(
      (value) => {
        if (done) return; // timed out already
        done = true;
        clearTimeout(timer);
        settled?.(true);
        resolve(value);
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        settled?.(false, error);
        reject(error);
      },
    );
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A caller waited longer than the fetch's hardTimeoutMs for a value that was being loaded. */
export class CacheLoaderTimeoutError extends Error {
  constructor(namespace: string, ms: number) {
    super(`loading ${namespace} took longer than ${ms} ms; the value will be cached when it arrives`);
    this.name = 'CacheLoaderTimeoutError';
  }
}
