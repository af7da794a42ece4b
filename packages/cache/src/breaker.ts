/**
 * Circuit breaker in front of the remote store. After `failureThreshold` consecutive failures it
 * opens: calls fail immediately (the loader serves) instead of each paying the timeout. After
 * `resetAfterMs` exactly one call is let through as a probe (half-open); its success closes the
 * breaker, its failure re-opens it. The state is computed lazily, so there are no timers to leak.
 */
import type { BreakerState } from './types';

export class BreakerOpenError extends Error {
  constructor() {
    super('cache circuit breaker is open');
    this.name = 'BreakerOpenError';
  }
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly resetAfterMs: number,
    private readonly onChange: (state: BreakerState, previous: BreakerState, error?: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a call may go to the store now. A true answer in half-open state is the probe. */
  allow(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.resetAfterMs) return false;
      this.transition('half-open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    if (this.current !== 'closed') {
      this.probeInFlight = false;
      this.transition('closed');
    }
  }

  failure(error: unknown): void {
    this.failures++;
    if (this.current === 'half-open') {
      this.probeInFlight = false;
      this.open(error);
    } else if (this.current === 'closed' && this.failures >= this.failureThreshold) {
      this.open(error);
    }
  }

  private open(error: unknown): void {
    this.openedAt = this.now();
    this.transition('open', error);
  }

  private transition(state: BreakerState, error?: unknown): void {
    const previous = this.current;
    if (previous === state) return;
    this.current = state;
    this.onChange(state, previous, error);
  }
}
