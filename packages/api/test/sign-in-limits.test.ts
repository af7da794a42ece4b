/**
 * Sign-in cannot be used to guess passwords or to stall the server: per-account and
 * per-address limits answer TOO_MANY_REQUESTS, and bcrypt work is bounded so other requests
 * keep being served during a burst.
 */
import { DEMO_PASSWORD } from '@stash/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller, createContextInner } from '../src';
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
  it('refuses what it cannot hash soon and keeps serving reads in between', async () => {
    const limiter = new SignInLimiter({ perAccount: 1000, perAddress: 1000, windowMs: 60_000 });
    const { api: reader } = await h.as(null);
    await reader.marketplace.categories(); // warm: the read below is a cache hit

    const finished: string[] = [];
    const signIns = Array.from({ length: 40 }, (_, i) =>
      callerWith(limiter)
        .auth.signIn({ email: `burst${i}@x.io`, password: 'x' })
        .catch((e: { code?: string }) => e.code)
        .then((outcome) => {
          finished.push(`signIn:${outcome}`);
          return outcome;
        }),
    );
    const read = reader.marketplace.categories().then(() => finished.push('read'));
    const outcomes = await Promise.all(signIns);
    await read;

    const refused = outcomes.filter((o) => o === 'TOO_MANY_REQUESTS').length;
    const hashed = outcomes.filter((o) => o === 'UNAUTHORIZED').length;
    expect(refused).toBeGreaterThan(0);
    expect(hashed).toBeGreaterThan(0);
    // The read did not wait for the hashing to drain: most hashed sign-ins finished after it.
    const hashedBeforeRead = finished
      .slice(0, finished.indexOf('read'))
      .filter((f) => f === 'signIn:UNAUTHORIZED');
    expect(hashedBeforeRead.length).toBeLessThan(hashed / 2);
  });
});
