/**
 * Sign-in cannot be used to guess passwords or to stall the server: per-account and
 * per-address limits answer TOO_MANY_REQUESTS, and bcrypt work is bounded so other requests
 * keep being served during a burst.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { closeClient, createRedisClient, type RedisClient } from '@stash/cache';
import { DEMO_PASSWORD } from '@stash/db';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCaller, createContextInner } from '../src';
import { hashLoad, withHashSlot } from '../src/auth/password';
import { SignInLimiter, type SignInLimits } from '../src/auth/rate-limit';
import { expectTRPCError } from './support/errors';
import { ADA, createHarness, GRACE, type Harness, REDIS_URL } from './support/harness';

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

const clients: RedisClient[] = [];
let limiters = 0;
/** A limiter counting in the test Redis, under keys no other limiter of this file uses. */
async function sharedLimiter(limits: SignInLimits, keyPrefix = `${h.deps.cacheKeyPrefix}:${limiters++}`) {
  const redis = createRedisClient(REDIS_URL, 'command');
  clients.push(redis);
  await new Promise((resolve) => redis.once('ready', resolve));
  return new SignInLimiter({ limits, redis, keyPrefix });
}
afterAll(async () => {
  await Promise.all(clients.map(closeClient));
});

describe('per-account limit', () => {
  it('refuses the account after 5 attempts in the window, even with the right password', async () => {
    const api = callerWith(await sharedLimiter({ perAccount: 5, perAddress: 1000, windowMs: 15 * 60_000 }));
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
  });

  it('lets the account in again once its window has passed', async () => {
    const limiter = await sharedLimiter({ perAccount: 1, perAddress: 1000, windowMs: 1000 });
    expect(await refusal(attempt(limiter, ADA, '198.51.100.8'))).toBe('allowed');
    expect(await refusal(attempt(limiter, ADA, '198.51.100.8'))).toBe('TOO_MANY_REQUESTS');
    await sleep(1_100); // the window is a Redis expiry: waiting longer only makes this surer
    expect(await refusal(attempt(limiter, ADA, '198.51.100.8'))).toBe('allowed');
  });

  it('does not count successful sign-ins against the account', async () => {
    const api = callerWith(await sharedLimiter({ perAccount: 2, perAddress: 1000, windowMs: 60_000 }));
    for (let i = 0; i < 5; i++) await api.auth.signIn({ email: ADA, password: DEMO_PASSWORD });
  });
});

describe('per-address limit', () => {
  it('refuses an address that sprays many accounts, while other addresses still sign in', async () => {
    const limiter = await sharedLimiter({ perAccount: 100, perAddress: 4, windowMs: 60_000 });
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

// Limiter-level: thousands of attempts without the bcrypt work each sign-in does.
const attempt = async (limiter: SignInLimiter, email: string, address: string) =>
  limiter.begin(email, address);
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'allowed',
    (e: { code?: string }) => e.code,
  );

async function keysUnder(prefix: string): Promise<string[]> {
  const redis = createRedisClient(REDIS_URL, 'command');
  clients.push(redis);
  await new Promise((resolve) => redis.once('ready', resolve));
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await (redis as Redis).scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

describe('shared and unforgettable counters', () => {
  it('a flood of made-up emails from one address neither unlocks a locked account nor creates account keys', async () => {
    const keyPrefix = `${h.deps.cacheKeyPrefix}:flood`;
    const limiter = await sharedLimiter({ perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 }, keyPrefix);
    for (let i = 0; i < 5; i++) await attempt(limiter, ADA, '198.51.100.1');
    expect(await refusal(attempt(limiter, ADA, '198.51.100.2'))).toBe('TOO_MANY_REQUESTS');
    // Once past the address's 30, every one of these is refused by its address alone. In waves
    // of 100: a thousand at once kept a loaded machine's event loop past the limiter's Redis
    // timeout, and each counter that falls back to its in-process twin (as designed) lets that
    // address's 30 through again, which is the fallback's promise, not this test's.
    for (let chunk = 0; chunk < 510; chunk++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          refusal(attempt(limiter, `made-up-${chunk}-${i}@x.io`, '203.0.113.66')),
        ),
      );
    }
    expect(await refusal(attempt(limiter, ADA, '198.51.100.3'))).toBe('TOO_MANY_REQUESTS');
    // ada's key and the 30 the flooding address was allowed; the refused 50,970 made none.
    const accountKeys = (await keysUnder(keyPrefix)).filter((k) => k.includes(':account:'));
    expect(accountKeys).toHaveLength(31);
  }, 120_000);

  it('two instances on one Redis draw on one budget', async () => {
    const limits = { perAccount: 4, perAddress: 1000, windowMs: 60_000 };
    const keyPrefix = `${h.deps.cacheKeyPrefix}:pair`;
    const one = await sharedLimiter(limits, keyPrefix);
    const two = await sharedLimiter(limits, keyPrefix);
    for (let i = 0; i < 2; i++) {
      expect(await refusal(attempt(one, GRACE, '198.51.100.4'))).toBe('allowed');
      expect(await refusal(attempt(two, GRACE, '198.51.100.4'))).toBe('allowed');
    }
    expect(await refusal(attempt(one, GRACE, '198.51.100.4'))).toBe('TOO_MANY_REQUESTS');
    expect(await refusal(attempt(two, GRACE, '198.51.100.4'))).toBe('TOO_MANY_REQUESTS');
  });

  it('two app instances on one Redis: 3 wrong passwords on each lock the account for both', async () => {
    const limits = { perAccount: 5, perAddress: 1000, windowMs: 60_000 };
    const keyPrefix = `${h.deps.cacheKeyPrefix}:apps`;
    const sibling = await h.sibling();
    const one = createCaller(
      createContextInner({ ...h.deps, signInLimiter: await sharedLimiter(limits, keyPrefix) }),
    );
    const two = createCaller(
      createContextInner({ ...sibling.deps, signInLimiter: await sharedLimiter(limits, keyPrefix) }),
    );
    for (let i = 0; i < 3; i++) {
      await expectTRPCError(one.auth.signIn({ email: GRACE, password: `one-${i}` }), 'UNAUTHORIZED');
      if (i < 2)
        await expectTRPCError(two.auth.signIn({ email: GRACE, password: `two-${i}` }), 'UNAUTHORIZED');
    }
    await expectTRPCError(two.auth.signIn({ email: GRACE, password: DEMO_PASSWORD }), 'TOO_MANY_REQUESTS');
    await expectTRPCError(one.auth.signIn({ email: GRACE, password: DEMO_PASSWORD }), 'TOO_MANY_REQUESTS');
  });

  it('Redis unreachable: the in-process counter holds the limits (fails safe, not open, not shut)', async () => {
    const redis = createRedisClient('redis://127.0.0.1:1', 'command'); // nothing listens on port 1;
    clients.push(redis);
    const limiter = new SignInLimiter({
      limits: { perAccount: 3, perAddress: 1000, windowMs: 60_000 },
      redis,
    });
    for (let i = 0; i < 3; i++) expect(await refusal(attempt(limiter, ADA, '198.51.100.5'))).toBe('allowed');
    expect(await refusal(attempt(limiter, ADA, '198.51.100.5'))).toBe('TOO_MANY_REQUESTS');
    expect(await refusal(attempt(limiter, GRACE, '198.51.100.5'))).toBe('allowed');
  });

  it('without Redis (the embedded demo) the limits are counted in the process', async () => {
    const limiter = new SignInLimiter({ limits: { perAccount: 2, perAddress: 3, windowMs: 60_000 } });
    expect(await refusal(attempt(limiter, ADA, '198.51.100.6'))).toBe('allowed');
    expect(await refusal(attempt(limiter, ADA, '198.51.100.6'))).toBe('allowed');
    expect(await refusal(attempt(limiter, ADA, '198.51.100.6'))).toBe('TOO_MANY_REQUESTS');
    expect(await refusal(attempt(limiter, GRACE, '198.51.100.6'))).toBe('TOO_MANY_REQUESTS'); // the address's 3
  });
});

describe('a burst of sign-ins', () => {
  // Waits on states (the slot held, the queue full), never on which of bcrypt or a cache read
  // finishes first: that order is the machine's load, not the code's doing.
  it('queues at most 8 behind a running hash, refuses the rest at once, and serves reads meanwhile', async () => {
    const limiter = new SignInLimiter({ limits: { perAccount: 1000, perAddress: 1000, windowMs: 60_000 } });
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
