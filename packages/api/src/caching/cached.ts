/**
 * `cached(resolver, policy)` turns a resolver into a cached one. It is passed to `.query()`
 * after `.input()`, so it sees the zod-parsed input (defaults applied) and its input/output
 * types are exactly the resolver's: tRPC infers them from the procedure builder, no casts.
 * Why a resolver wrapper and not a middleware: docs/architecture.md.
 */
import { buildCacheKey, CacheLoaderTimeoutError } from '@stash/cache';
import { TRPCError } from '@trpc/server';
import type { Context } from '../context';
import { worstStatus } from './live';
import {
  type CachePolicy,
  type PublicCachePolicy,
  type PublicContext,
  registerPolicy,
  type SignedInContext,
  type UserCachePolicy,
} from './policy';
import { assertDeclared, CHECK_TAGS } from './tags';

export type CacheMode = 'normal' | 'bypass' | 'refresh';

/**
 * A caller waits at most this long for a resolver (its own, or another instance's under the
 * fill lease) before getting a TIMEOUT error; the resolver still finishes and is cached.
 */
const LOADER_HARD_TIMEOUT_MS = 15_000;
export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass' | 'error';
/** path -> outcome of the last cached call on this context (a batch can hold several). */
export type CacheReport = Map<string, CacheStatus>;

interface ResolverOptions<TCtx, TInput> {
  ctx: TCtx;
  input: TInput;
  signal: AbortSignal | undefined;
  path: string;
}

type Resolver<TCtx, TInput, TOutput> = (opts: ResolverOptions<TCtx, TInput>) => Promise<TOutput>;

/** The context minus `session`, at run time too: a public entry is built as a visitor would see it. */
function withoutSession<TCtx extends Context>(ctx: TCtx): PublicContext<TCtx> {
  const { session: _dropped, ...rest } = ctx;
  return rest;
}

// The resolver comes first so TypeScript infers the output type from it before it checks the
// policy's `tagsFromOutput`; input and context types come from `.query()` itself.
// Public scope: the resolver's context has no `session` (reading it does not compile).
export function cached<TCtx extends Context, TInput, TOutput>(
  resolver: Resolver<PublicContext<TCtx>, TInput, TOutput>,
  policy: PublicCachePolicy<TInput, TOutput>,
): Resolver<TCtx, TInput, TOutput>;
// User scope: signed in, and `authorize` is required by the policy type.
export function cached<TCtx extends Context, TInput, TOutput>(
  resolver: Resolver<TCtx & SignedInContext, TInput, TOutput>,
  policy: UserCachePolicy<TInput, TOutput>,
): Resolver<TCtx, TInput, TOutput>;
export function cached<TCtx extends Context, TInput, TOutput>(
  resolver: Resolver<TCtx, TInput, TOutput> | Resolver<PublicContext<TCtx>, TInput, TOutput>,
  policy: CachePolicy<TInput, TOutput>,
): Resolver<TCtx, TInput, TOutput> {
  registerPolicy({
    path: policy.path,
    version: policy.version,
    ttlMs: policy.ttlMs,
    graceMs: policy.graceMs ?? 0,
    softStaleAfterMs: policy.softStaleAfterMs ?? 0,
    scope: policy.scope,
    l1: policy.l1 ?? false,
    live: policy.live !== undefined,
    tagKinds: policy.tagKinds,
  });

  return async (opts) => {
    const { ctx, input, path } = opts;
    if (path !== policy.path) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: `Cache policy path "${policy.path}" is mounted at "${path}".`,
      });
    }
    let scope: 'public' | `user:${number}` = 'public';
    let inputTags: string[];
    let run: () => Promise<TOutput>;
    if (policy.scope === 'user') {
      const { session } = ctx;
      if (!session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do this.' });
      scope = `user:${session.userId}`;
      const signedIn = { ...opts, ctx: { ...ctx, session } };
      // Authorization before the cache: a cached answer never reaches someone who could not get it fresh.
      await policy.authorize(signedIn.ctx, input);
      inputTags = policy.tags(input, signedIn.ctx);
      run = () => (resolver as Resolver<TCtx & SignedInContext, TInput, TOutput>)(signedIn);
    } else {
      inputTags = policy.tags(input, ctx);
      run = () =>
        (resolver as Resolver<PublicContext<TCtx>, TInput, TOutput>)({ ...opts, ctx: withoutSession(ctx) });
    }

    const key = buildCacheKey({ prefix: ctx.cacheKeyPrefix, version: policy.version, path, scope, input });
    const load = async () => {
      const value = await run();
      if (CHECK_TAGS) {
        assertDeclared(path, [...inputTags, ...(policy.tagsFromOutput?.(value) ?? [])], policy.tagKinds);
      }
      return value;
    };
    const result = await ctx.cache
      .fetch<TOutput>(key, load, {
        ttlMs: policy.ttlMs,
        graceMs: policy.graceMs,
        tags: inputTags,
        tagsFromValue: policy.tagsFromOutput,
        mode: ctx.cacheMode,
        l1: policy.l1 ?? false,
        softStaleAfterMs: policy.softStaleAfterMs,
        hardTimeoutMs: LOADER_HARD_TIMEOUT_MS,
      })
      .catch((error: unknown) => {
        if (error instanceof CacheLoaderTimeoutError)
          throw new TRPCError({ code: 'TIMEOUT', message: error.message });
        throw error;
      });
    if (!policy.live) {
      ctx.cacheReport.set(path, result.status);
      return result.value;
    }
    const shown = await policy.live(result.value, ctx);
    ctx.cacheReport.set(path, worstStatus([result.status, shown.status]));
    return shown.value;
  };
}

/** `x-stash-cache: marketplace.search=hit, workspaces.byId=miss` for the calls of one request. */
export function formatCacheReport(report: CacheReport): string | null {
  if (report.size === 0) return null;
  return [...report].map(([path, status]) => `${path}=${status}`).join(', ');
}
