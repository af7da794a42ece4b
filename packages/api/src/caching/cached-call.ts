/**
 * One call of a cached procedure, after tRPC parsed its input: authorize (user scope), build the
 * key from the parsed input, answer from the cache or the resolver, and report the outcome and
 * the tags of the answer for the response (report.ts). The builder is cached-procedure.ts.
 */
import { buildCacheKey, CacheLoaderTimeoutError } from '@stash/cache';
import { TRPCError } from '@trpc/server';
import type { CachingContext } from './caching-context';
import { type LiveOverlay, type LiveRead, worstStatus } from './overlay';
import type { CachePolicy, PublicContext, SignedInContext } from './policy';
import { assertDeclared, CHECK_TAGS } from './tags';

export type { CacheMode } from './caching-context';

/**
 * A caller waits at most this long for a resolver (its own, or another instance's under the
 * fill lease) before getting a TIMEOUT error; the resolver still finishes and is cached.
 */
const LOADER_HARD_TIMEOUT_MS = 15_000;

/** What tRPC hands a query resolver (the parts we use). */
export interface CallOptions<TCtx, TInput> {
  ctx: TCtx;
  input: TInput;
  signal: AbortSignal | undefined;
  path: string;
}

export type Resolver<TCtx, TInput, TOutput> = (opts: CallOptions<TCtx, TInput>) => Promise<TOutput>;

/**
 * How an entry's tags are found: from the input before loading, from the output after; and the
 * live facts overlaid on the cached value on every call, hit or miss (caching/live.ts): the
 * entry is then the slow-changing skeleton, and the writes that change those facts write them
 * through instead of invalidating it. The facts' tags join the answer's tags for the client.
 */
export interface TagRules<TCtx, TInput, TOutput> {
  fromInput?: (input: TInput, ctx: TCtx) => string[];
  fromOutput?: (output: TOutput) => string[];
  live?: LiveOverlay<TCtx, TOutput, TInput>;
}

/**
 * Everything one cached procedure needs at call time. The two scopes differ in the context the
 * resolver and tag rules get (a public entry never sees a session) and in `authorize`.
 */
export type CachedCallSpec<TCtx extends CachingContext, TInput, TOutput> = { policy: CachePolicy } & (
  | {
      scope: 'public';
      resolver: Resolver<PublicContext<TCtx>, TInput, TOutput>;
      tags: TagRules<PublicContext<TCtx>, TInput, TOutput>;
    }
  | {
      scope: 'user';
      authorize: (ctx: SignedInContext<TCtx>, input: TInput) => Promise<void>;
      resolver: Resolver<SignedInContext<TCtx>, TInput, TOutput>;
      tags: TagRules<SignedInContext<TCtx>, TInput, TOutput>;
    }
);

/** The context minus `session`, at run time too: a public entry is built as a visitor would see it. */
function withoutSession<TCtx extends CachingContext>(ctx: TCtx): PublicContext<TCtx> {
  const { session: _dropped, ...rest } = ctx;
  return rest;
}

interface Prepared<TOutput> {
  scope: 'public' | `user:${number}`;
  inputTags: string[];
  run: () => Promise<TOutput>;
  outputTags: (output: TOutput) => string[];
  /** The live overlay bound to this call's context and input, if the procedure has one. */
  overlay: ((value: TOutput) => Promise<LiveRead<TOutput>>) | undefined;
}

function bindOverlay<TCtx, TInput, TOutput>(
  live: LiveOverlay<TCtx, TOutput, TInput> | undefined,
  ctx: TCtx,
  input: TInput,
): ((value: TOutput) => Promise<LiveRead<TOutput>>) | undefined {
  return live ? (value) => live(value, ctx, input) : undefined;
}

/** Authorization runs here, before the cache: a cached answer never reaches someone who could not get it fresh. */
async function prepare<TCtx extends CachingContext, TInput, TOutput>(
  spec: CachedCallSpec<TCtx, TInput, TOutput>,
  opts: CallOptions<TCtx, TInput>,
): Promise<Prepared<TOutput>> {
  const { ctx, input } = opts;
  if (spec.scope === 'public') {
    const visitor = { ...opts, ctx: withoutSession(ctx) };
    return {
      scope: 'public',
      inputTags: spec.tags.fromInput?.(input, visitor.ctx) ?? [],
      run: () => spec.resolver(visitor),
      outputTags: (output) => spec.tags.fromOutput?.(output) ?? [],
      overlay: bindOverlay(spec.tags.live, visitor.ctx, input),
    };
  }
  const { session } = ctx;
  if (!session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do this.' });
  const signedIn = { ...opts, ctx: { ...ctx, session } as SignedInContext<TCtx> };
  await spec.authorize(signedIn.ctx, input);
  return {
    scope: `user:${session.userId}`,
    inputTags: spec.tags.fromInput?.(input, signedIn.ctx) ?? [],
    run: () => spec.resolver(signedIn),
    outputTags: (output) => spec.tags.fromOutput?.(output) ?? [],
    overlay: bindOverlay(spec.tags.live, signedIn.ctx, input),
  };
}

/** The resolver tRPC runs for a cached procedure. */
export function cachedResolver<TCtx extends CachingContext, TInput, TOutput>(
  spec: CachedCallSpec<TCtx, TInput, TOutput>,
): (opts: CallOptions<TCtx, TInput> & { batchIndex?: number }) => Promise<TOutput> {
  const { policy } = spec;
  return async (opts) => {
    const { ctx, input, path } = opts;
    const call = await prepare(spec, opts);
    const key = buildCacheKey({
      prefix: ctx.cacheKeyPrefix,
      version: policy.version,
      path,
      scope: call.scope,
      input,
    });
    const load = async () => {
      const value = await call.run();
      if (CHECK_TAGS) assertDeclared(path, [...call.inputTags, ...call.outputTags(value)], policy.tagKinds);
      return value;
    };
    const result = await ctx.cache
      .fetch<TOutput>(key, load, {
        ttlMs: policy.ttlMs,
        graceMs: policy.graceMs,
        tags: call.inputTags,
        tagsFromValue: call.outputTags,
        mode: ctx.cacheMode,
        l1: policy.l1 && ctx.l1Reads,
        softStaleAfterMs: policy.softStaleAfterMs,
        hardTimeoutMs: LOADER_HARD_TIMEOUT_MS,
      })
      .catch((error: unknown) => {
        if (error instanceof CacheLoaderTimeoutError)
          throw new TRPCError({ code: 'TIMEOUT', message: error.message });
        throw error;
      });
    // The tags of this answer, for the client's invalidation (recomputed on a hit: the rules are
    // cheap pure functions, and the engine keeps the stored tags to itself).
    const tags = [...call.inputTags, ...call.outputTags(result.value)];
    let { value, status } = result;
    const { freshUntil } = result;
    if (call.overlay) {
      const shown = await call.overlay(value);
      value = shown.value;
      status = worstStatus([status, shown.status]);
      tags.push(...shown.tags);
    }
    ctx.cacheReport.record({
      path,
      batchIndex: opts.batchIndex ?? 0,
      status,
      tags: [...new Set(tags)],
      ...(freshUntil === undefined ? {} : { freshUntil }),
    });
    return value;
  };
}
