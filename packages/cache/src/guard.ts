/**
 * Every remote store operation goes through `RemoteGuard.run`: the circuit breaker decides
 * whether to call Redis at all, the call gets the per-operation timeout, and its latency and
 * outcome are recorded. Breaker state changes are logged once each (never per failed call).
 */
import { BreakerOpenError, CircuitBreaker } from './breaker';
import type { Metrics } from './metrics';
import { withTimeout } from './timeout';
import type { BreakerOptions, BreakerState, CacheLogger, StoreOp } from './types';

export class RemoteGuard {
  private readonly breaker: CircuitBreaker;

  constructor(
    private readonly timeoutMs: number,
    options: BreakerOptions | undefined,
    logger: CacheLogger,
    private readonly metrics: Metrics,
  ) {
    this.breaker = new CircuitBreaker(
      options?.failureThreshold ?? 5,
      options?.resetAfterMs ?? 2000,
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

  async run<R>(op: StoreOp, fn: () => Promise<R>): Promise<R> {
    if (!this.breaker.allow()) throw new BreakerOpenError();
    const started = performance.now();
    try {
      const result = await withTimeout(fn(), this.timeoutMs, op);
      this.breaker.success();
      this.metrics.recordStoreOp(op, performance.now() - started, true);
      return result;
    } catch (error) {
      this.breaker.failure(error);
      this.metrics.recordStoreOp(op, performance.now() - started, false);
      throw error;
    }
  }
}
