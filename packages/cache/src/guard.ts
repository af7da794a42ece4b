/**
 * Every remote store operation goes through `RemoteGuard`: the circuit breaker decides whether to
 * call Redis at all, the call gets the per-operation timeout (one that measures Redis, not our
 * event loop: timeout.ts), and its latency and outcome are recorded. Breaker state changes are
 * logged once each, never per failed call.
 *
 * Invalidations use `deliver` instead: they never skip Redis because the breaker is open (a
 * skipped bump would let other instances serve data from before a committed write). They get a
 * longer timeout of their own, and their success is evidence enough to close the breaker.
 */
import { BreakerOpenError, CircuitBreaker } from './breaker';
import type { Metrics } from './metrics';
import { SlotQuarantine } from './slot-quarantine';
import { withTimeout } from './timeout';
import type { BreakerOptions, BreakerState, CacheLogger, StoreOp } from './types';

export class RemoteGuard {
  private readonly breaker: CircuitBreaker;
  /** Short: long enough to spare a burst of requests, short enough to notice the node is back. */
  private readonly quarantine = new SlotQuarantine(250);

  constructor(
    private readonly timeoutMs: number,
    options: Required<BreakerOptions>,
    logger: CacheLogger,
    private readonly metrics: Metrics,
  ) {
    this.breaker = new CircuitBreaker(
      options.failureThreshold,
      options.resetAfterMs,
      (state, previous, error) => {
        const meta = { previous, error: error instanceof Error ? error.message : undefined };
        if (state === 'open') logger.warn(`cache: redis circuit breaker ${state}`, meta);
        else logger.info(`cache: redis circuit breaker ${state}`, meta);
        metrics.emit({ type: 'breaker', state, previous });
      },
    );
  }

  get state(): BreakerState {
    return this.breaker.state;
  }

  /**
   * `namespace`: the key's slot, quarantined briefly after a failure (slot-quarantine.ts).
   * Plain promise steps rather than async functions: this wraps every Redis call, and each
   * async layer costs the hit path microtask turns.
   */
  run<R>(op: StoreOp, fn: () => Promise<R>, namespace?: string): Promise<R> {
    if (!this.breaker.allow()) return Promise.reject(new BreakerOpenError());
    if (namespace !== undefined) {
      try {
        this.quarantine.check(namespace);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.timed(op, fn, this.timeoutMs, namespace);
  }

  /** Past the breaker, with its own timeout: for invalidations, which must be attempted. */
  deliver<R>(op: StoreOp, fn: () => Promise<R>, timeoutMs: number): Promise<R> {
    return this.timed(op, fn, timeoutMs, undefined);
  }

  private timed<R>(
    op: StoreOp,
    fn: () => Promise<R>,
    timeoutMs: number,
    namespace: string | undefined,
  ): Promise<R> {
    const started = performance.now();
    let call: Promise<R>;
    try {
      call = fn();
    } catch (error) {
      call = Promise.reject(error);
    }
    return withTimeout(call, timeoutMs, op, (ok, error) => {
      if (ok) this.breaker.success();
      else this.breaker.failure(error);
      if (namespace !== undefined) {
        if (ok) this.quarantine.succeeded(namespace);
        else this.quarantine.failed(namespace);
      }
      this.metrics.recordStoreOp(op, performance.now() - started, ok);
    });
  }
}
