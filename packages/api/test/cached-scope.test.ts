/**
 * `caching.query` enforces scope by types, not by convention. The `@ts-expect-error` lines
 * below are the type test: `pnpm typecheck` (tsc over test/) fails if any of them stops being an
 * error, i.e. if a public resolver could read `ctx.session`, a user-scoped procedure could skip
 * `.authorize()`, or a TTL typo compiled. The runtime tests check the same for code that casts
 * its way past the types, and that types are inferred end to end.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createContextInner } from '../src';
import { caching } from '../src/caching/caching';
import { tags } from '../src/caching/tags';
import { createCallerFactory, createTRPCRouter } from '../src/trpc';
import { ADA, createHarness, type Harness } from './support/harness';

const pub = { scope: 'public', ttl: '1m' } as const;
const user = { scope: 'user', ttl: '1m' } as const;
const cachedProcedure = caching.query;

const withDefault = z.object({ id: z.number(), page: z.number().default(1) });

/**
 * Never called: each `@ts-expect-error` below must meet exactly the error it names (the builder
 * is well-typed, so an unrelated mistake on these lines would be caught by the other tests).
 */
export function mustNotCompile(): unknown[] {
  return [
    // A public entry's resolver has no `session` to read.
    // biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
    // @ts-expect-error Property 'session' does not exist on the public context
    cachedProcedure(pub).query(async ({ ctx }) => ctx.session?.userId ?? 0, { tags: [] }),

    // Nor may its tags depend on the caller.
    // biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
    // @ts-expect-error Property 'session' does not exist on the public context
    cachedProcedure(pub).query(async () => 1, { tags: [{ tag: tags.agent, fromInput: (_i, ctx) => ctx.session.userId }] }),

    // A user-scoped procedure must say who may read it: there is no `.query()` before `.authorize()`.
    // biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
    // @ts-expect-error Property 'query' does not exist
    cachedProcedure(user).input(z.object({ id: z.number() })).query(async () => 1, { tags: [] }),

    // TTLs are ms or a number with a unit; anything else is a compile error.
    // biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
    // @ts-expect-error '5 min' is not a Duration
    cachedProcedure({ ...pub, ttl: '5 min' }),

    // The input is the schema's parsed output (defaults applied); reading anything else does not compile.
    // biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
    // @ts-expect-error Property 'missing' does not exist
    cachedProcedure(pub).input(withDefault).query(async ({ input }) => input.missing, { tags: [] }),

    // A tag with a parameter cannot be listed bare: it needs the id it is of.
    // biome-ignore format: each @ts-expect-error must stay above the line its error is reported on
    // @ts-expect-error 'agent:{agentId}' is not a constant tag
    cachedProcedure(pub).query(async () => 1, { tags: [tags.agent] }),
  ];
}

// And what does compile, mounted somewhere its declaration never names.
const probe = createTRPCRouter({
  nested: createTRPCRouter({
    // A cast past the types must not smuggle the session in either: it is removed at run time.
    sessionSeen: cachedProcedure(pub).query(async ({ ctx }) => 'session' in ctx, { tags: [] }),
    mine: cachedProcedure({ ...user, ttl: 60_000 })
      .authorize(async () => {})
      .query(async ({ ctx }) => ({ userId: ctx.session.userId, at: new Date(0) }), { tags: [] }),
    page: cachedProcedure({ ...pub, ttl: '1h' })
      .input(withDefault)
      .query(async ({ input }) => input.page, { tags: [] }),
  }),
});
const registry = caching.registry(probe);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('cachedProcedure', () => {
  it('builds a public entry without the session of the user who caused the fill', async () => {
    const session = await h.session(ADA);
    const caller = createCallerFactory(probe)(createContextInner(h.deps, { session }));
    expect(await caller.nested.sessionSeen()).toBe(false);
    expect((await caller.nested.mine()).userId).toBe(session.userId);
  });

  it('infers input and output types for callers, with no casts', async () => {
    const caller = createCallerFactory(probe)(createContextInner(h.deps));
    expectTypeOf(caller.nested.page).parameter(0).toEqualTypeOf<{ id: number; page?: number | undefined }>();
    const mine = createCallerFactory(probe)(createContextInner(h.deps, { session: await h.session(ADA) }))
      .nested.mine;
    expectTypeOf(mine).returns.resolves.toEqualTypeOf<{ userId: number; at: Date }>();
    expect(await caller.nested.page({ id: 1 })).toBe(1);
  });

  it('is registered under the path it is mounted at, with its TTL in ms', () => {
    const byPath = new Map(registry.policies().map((p) => [p.path, p]));
    expect(byPath.get('nested.page')).toMatchObject({ ttlMs: 3_600_000, scope: 'public', version: 'v1' });
    expect(byPath.get('nested.mine')).toMatchObject({ ttlMs: 60_000, scope: 'user' });
  });
});
