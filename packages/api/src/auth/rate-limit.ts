/**
 * Sign-in attempt limits, per client address (stops spraying many accounts) and per account
 * (stops guessing one password), as fixed windows counted by rate-limiter-flexible. An attempt
 * counts from the moment it starts, so a burst of concurrent attempts cannot slip past the limit
 * while bcrypt runs; a successful sign-in takes its attempt back from the account's count (not
 * the address's).
 *
 * - The address is counted first, and a refused address stops there: it never creates an
 *   account key, so a flood of made-up emails from one address costs one counter, not one each.
 * - With Redis the counters are shared: every instance draws on one budget, and nothing an
 *   attacker sends can push a counter out (Redis runs `noeviction` or `volatile-*`, README).
 * - Redis down, slow (past REDIS_TIMEOUT_MS) or not connected yet: each counter falls back to
 *   an in-process one (rate-limiter-flexible's insurance limiter) with the same limits, so the
 *   limits still hold, per instance, instead of failing open or refusing every sign-in. Its
 *   keys expire with their window and are never evicted early; a refused address adds none.
 * - Without Redis (the embedded demo) the in-process counters are the only ones.
 */
import type { RedisClient } from '@stash/cache';
import { TRPCError } from '@trpc/server';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';

export interface SignInLimits {
  /** Attempts per account per window. */
  perAccount: number;
  /** Attempts per client address per window. */
  perAddress: number;
  /** Whole seconds: Redis expires the counters by the second. */
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 };

/** A sign-in is not the hot path; past this the in-process counter answers instead of Redis. */
const REDIS_TIMEOUT_MS = 500;

export interface SignInLimiterOptions {
  limits?: SignInLimits;
  /** Shared counters for every instance; without it they live in this process. */
  redis?: RedisClient;
  /** First segment of the counters' Redis keys (the cache's prefix; tests use their own). */
  keyPrefix?: string;
}

export interface SignInAttempt {
  /** The password was right: the account gets its attempt back (best effort). */
  succeeded(): Promise<void>;
}

function counter(name: string, points: number, opts: SignInLimiterOptions): RateLimiterAbstract {
  const duration = Math.max(1, Math.round((opts.limits ?? DEFAULT_SIGN_IN_LIMITS).windowMs / 1000));
  const local = new RateLimiterMemory({ keyPrefix: name, points, duration });
  if (!opts.redis) return local;
  const shared = new RateLimiterRedis({
    storeClient: opts.redis,
    keyPrefix: `${opts.keyPrefix ?? 'stash'}:sign-in:${name}`,
    points,
    duration,
    // Not connected: straight to the insurance counter rather than waiting for a reconnect.
    rejectIfRedisNotReady: true,
    insuranceLimiter: local,
  });
  // The wrapper turns a hung Redis into the same fallback (it inherits `local` as insurance).
  return new RLWrapperTimeouts({ limiter: shared, timeoutMs: REDIS_TIMEOUT_MS });
}

function tooMany(msBeforeNext: number): TRPCError {
  const minutes = Math.max(1, Math.ceil(msBeforeNext / 60_000));
  return new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  });
}

async function take(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key, 1);
  } catch (rejection) {
    // A RateLimiterRes is "no points left"; anything else is an error both tiers failed with.
    if (rejection instanceof RateLimiterRes) throw tooMany(rejection.msBeforeNext);
    throw rejection;
  }
}

export class SignInLimiter {
  private readonly byAddress: RateLimiterAbstract;
  private readonly byAccount: RateLimiterAbstract;

  constructor(opts: SignInLimiterOptions = {}) {
    const limits = opts.limits ?? DEFAULT_SIGN_IN_LIMITS;
    this.byAddress = counter('address', limits.perAddress, opts);
    this.byAccount = counter('account', limits.perAccount, opts);
  }

  /** Counts one attempt or throws TOO_MANY_REQUESTS; call `succeeded()` on the result when it does. */
  async begin(email: string, address: string | null): Promise<SignInAttempt> {
    if (address) await take(this.byAddress, address);
    await take(this.byAccount, email);
    return {
      succeeded: async () => {
        // A reward that does not arrive only leaves the limit stricter: not worth failing a sign-in.
        await this.byAccount.reward(email, 1).catch(() => {});
      },
    };
  }
}
