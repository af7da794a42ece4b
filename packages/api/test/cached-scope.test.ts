/**
 * Scope is enforced by types, not by convention. The `@ts-expect-error` lines below are the
 * type test: `pnpm typecheck` (tsc over test/) fails if any of them stops being an error,
 * i.e. if a public resolver could read `ctx.session` or a user-scoped policy could leave out
 * `authorize`. The runtime test checks the same for code that casts its way past the types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../src';
import { cached } from '../src/caching/cached';
import type { UserCachePolicy } from '../src/caching/policy';
import { createCallerFactory, createTRPCRouter, protectedProcedure, publicProcedure } from '../src/trpc';
import { ADA, createHarness, type Harness } from './support/harness';

const policy = { version: 'v1', ttlMs: 60_000, tags: () => [], tagKinds: [] } as const;

// A public entry's resolver has no `session` to read.
// biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
// @ts-expect-error Property 'session' does not exist on the public context
export const readsSession = publicProcedure.query(cached(async ({ ctx }) => ctx.session?.userId ?? 0, { ...policy, path: 'readsSession', scope: 'public' }));

// Nor may its tags depend on the caller.
// biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
// @ts-expect-error Property 'session' does not exist on the public context
export const tagsFromSession = publicProcedure.query(cached(async () => 1, { ...policy, path: 'tagsFromSession', scope: 'public', tags: (_i: unknown, ctx) => [String(ctx.session)] }));

// A user-scoped policy must say who may read it.
// biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
// @ts-expect-error Property 'authorize' is missing
export const noAuthorize: UserCachePolicy<void, number> = { ...policy, path: 'noAuthorize', scope: 'user' };

// biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
// @ts-expect-error No overload matches: user scope without authorize
export const userWithoutAuthorize = protectedProcedure.query(cached(async ({ ctx }) => ctx.session.userId, { ...policy, path: 'userWithoutAuthorize', scope: 'user' }));

// And what does compile: a user-scoped resolver sees the signed-in session.
const probe = createTRPCRouter({
  sessionSeen: publicProcedure.query(
    // A cast past the types must not smuggle the session in either: it is removed at run time.
    cached(async ({ ctx }) => 'session' in ctx, { ...policy, path: 'sessionSeen', scope: 'public' }),
  ),
  mine: protectedProcedure.query(
    cached(async ({ ctx }) => ctx.session.userId, {
      ...policy,
      path: 'mine',
      scope: 'user',
      authorize: async () => {},
    }),
  ),
});

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('cached scope', () => {
  it('builds a public entry without the session of the user who caused the fill', async () => {
    const session = await h.session(ADA);
    const caller = createCallerFactory(probe)(createContextInner(h.deps, { session }));
    expect(await caller.sessionSeen()).toBe(false);
    expect(await caller.mine()).toBe(session.userId);
  });
});
