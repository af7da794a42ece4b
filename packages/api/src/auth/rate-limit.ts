/**
 * Sign-in attempt limits, per account (stops guessing one password) and per client address
 * (stops spraying many accounts). An attempt counts from the moment it starts, so a burst of
 * concurrent attempts cannot slip past the limit while bcrypt runs; a successful sign-in takes
 * its attempt back from the account's count (not the address's).
 *
 * Counters live in this process (fixed windows, bounded map): with N instances an attacker
 * gets at most N times the budget. The bcrypt bound in ./password.ts protects each instance
 * whatever the counters say.
 */
import { TRPCError } from '@trpc/server';

export interface SignInLimits {
  /** Attempts per account per window. */
  perAccount: number;
  /** Attempts per client address per window. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 };

const MAX_TRACKED = 50_000;

interface Window {
  count: number;
  resetAt: number;
}

export class SignInLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt or throws TOO_MANY_REQUESTS; call `succeeded()` on the result when it does. */
  begin(email: string, address: string | null): { succeeded(): void } {
    const keys: Array<[string, number]> = [[`account:${email}`, this.limits.perAccount]];
    if (address) keys.push([`address:${address}`, this.limits.perAddress]);
    for (const [key, limit] of keys) {
      const window = this.current(key);
      if (window.count >= limit) {
        const minutes = Math.max(1, Math.ceil((window.resetAt - this.now()) / 60_000));
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        });
      }
    }
    for (const [key] of keys) this.current(key).count++;
    const accountKey = keys[0]![0];
    return {
      succeeded: () => {
        const window = this.windows.get(accountKey);
        if (window && window.count > 0) window.count--;
      },
    };
  }

  private current(key: string): Window {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (!window && this.windows.size >= MAX_TRACKED) this.evictExpired(now);
      window = { count: 0, resetAt: now + this.limits.windowMs };
      this.windows.set(key, window);
    }
    return window;
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full (a flood of distinct keys inside one window): drop the oldest entries.
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_TRACKED) break;
      this.windows.delete(key);
    }
  }
}
