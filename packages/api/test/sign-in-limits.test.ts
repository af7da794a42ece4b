/**
 * Sign-in cannot be used to guess passwords or to stall the server: per-account and
 * per-address limits answer TOO_MANY_REQUESTS, and bcrypt work is bounded so other requests
 * keep being served during a burst.
 */
import { DEMO_PASSWORD } from '@stash/db';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCaller, createContextInner } from '../src';
import { hashLoad, withHashSlot } from '../src/auth/password';
import { SignInLimiter } from '../src/auth/rate-limit';
import { expectTRPCError } from './support/errors';
import { ADA, createHarness, GRACE, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

function callerWith(limiter: SignInLimiter, clientAddress: string | null = null) {
  return createCaller(createContextInner({ ...h.deps, signInLimiter: limiter }, { clientAddress }));
}

describe('per-account limit', () => {
  it('refuses the account after 5 attempts in the window, even with the right password, then lets it in again', async () => {
    let now = 1_000_000;
    const limiter = new SignInLimiter({ perAccount: 5, perAddress: 1000, windowMs: 15 * 60_000 }, () => now);
    const api = callerWith(limiter);
    for (let i = 0; i < 5; i++) {
      await expectTRPCError(api.auth.signIn({ email: ADA, password: `guess-${i}` }), 'UNAUTHORIZED');
    }
    const refused = await expectTRPCError(
      api.auth.signIn({ email: ADA, password: DEMO_PASSWORD }),
      'TOO_MANY_REQUESTS',
    );
    expect(refused.message).toBe('Too many sign-in attempts. Try again in 15 minutes.');
    // Another account is not affected.
    expect((await api.auth.signIn({ email: GRACE, password: DEMO_PASSWORD })).user.email).toBe(GRACE);
    now += 15 * 60_000;
    expect((await api.auth.signIn({ email: ADA, password: DEMO_PASSWORD })).user.email).toBe(ADA);
  });

  it('does not count successful sign-ins against the account', async () => {
    const api = callerWith(new SignInLimiter({ perAccount: 2, perAddress: 1000, windowMs: 60_000 }));
    for (let i = 0; i < 5; i++) await api.auth.signIn({ email: ADA, password: DEMO_PASSWORD });
  });
});

describe('per-address limit', () => {
  it('refuses an address that sprays many accounts, while other addresses still sign in', async () => {
    const limiter = new SignInLimiter({ perAccount: 100, perAddress: 4, windowMs: 60_000 });
    const sprayer = callerWith(limiter, '203.0.113.9');
    for (let i = 0; i < 4; i++) {
      await expectTRPCError(sprayer.auth.signIn({ email: `user${i}@x.io`, password: 'x' }), 'UNAUTHORIZED');
    }
    await expectTRPCError(sprayer.auth.signIn({ email: 'user9@x.io', password: 'x' }), 'TOO_MANY_REQUESTS');
    await expectTRPCError(sprayer.auth.signIn({ email: ADA, password: DEMO_PASSWORD }), 'TOO_MANY_REQUESTS');
    const other = callerWith(limiter, '198.51.100.7');
    expect((await other.auth.signIn({ email: ADA, password: DEMO_PASSWORD })).user.email).toBe(ADA);
  });
});

describe('a burst of sign-ins', () => {
  // Waits on states (the slot held, the queue full), never on which of bcrypt or a cache read
  // finishes first: that order is the machine's load, not the code's doing.
  it('queues at most 8 behind a running hash, refuses the rest at once, and serves reads meanwhile', async () => {
    const limiter = new SignInLimiter({ perAccount: 1000, perAddress: 1000, windowMs: 60_000 });
    const { api: reader } = await h.as(null);
    await reader.marketplace.categories(); // warm: the read below is a cache hit
    // The dummy hash of unknown emails exists before the slot is held (it needs the slot too).
    await expectTRPCError(
      callerWith(limiter).auth.signIn({ email: 'warm@x.io', password: 'x' }),
      'UNAUTHORIZED',
    );

    let release!: () => void;
    const held = withHashSlot(() => new Promise<void>((resolve) => (release = resolve)));
    const signIns = Array.from({ length: 40 }, (_, i) =>
      callerWith(limiter)
        .auth.signIn({ email: `burst${i}@x.io`, password: 'x' })
        .catch((e: { code?: string }) => e.code),
    );
    const settled: string[] = [];
    for (const s of signIns) void s.then((code) => settled.push(String(code)));
    await vi.waitFor(
      () => {
        expect(hashLoad()).toEqual({ running: 1, waiting: 8 });
        expect(settled).toHaveLength(32);
      },
      { timeout: 20_000 },
    );
    expect(new Set(settled)).toEqual(new Set(['TOO_MANY_REQUESTS']));

    // The slot is still held and the queue full: this read cannot have waited for hashing.
    await reader.marketplace.categories();
    expect(hashLoad()).toEqual({ running: 1, waiting: 8 });

    release();
    await held;
    const outcomes = await Promise.all(signIns);
    expect(outcomes.filter((o) => o === 'UNAUTHORIZED')).toHaveLength(8);
    expect(hashLoad()).toEqual({ running: 0, waiting: 0 });
  });
});
