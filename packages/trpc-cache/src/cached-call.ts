/**
 * One call of a cached read, after tRPC parsed its input: authorize (user scope), build the key
 * from the parsed input, answer from the cache or the resolver, overlay live facts, and report
 * the outcome and the answer's tags (report.ts). The builder is query.ts.
 */
import { buildCacheKey, CacheLoaderTimeoutError } from '@stash/cache';
import { TRPCError } from '@trpc/server';
import type { CallEnv } from './env';
import { type LiveReader, recordingReader } from './live';
import type { CachePolicy } from './policy';
import { worstStatus } from './status';
import { type AnyTag, assertDeclared, type ConstantTag, type TagRule, tagsOf } from './tags';

/** What tRPC hands a query resolver (the parts used here). */
export interface CallOptions<TCtx, TInput> {
  ctx: TCtx;
  input: TInput;
  signal: AbortSignal | undefined;
  path: string;
}

export type Resolver<TCtx, TInput, TOutput> = (opts: CallOptions<TCtx, TInput>) => Promise<TOutput>;

/**
 * What the caller sees besides the cached value: live facts read on every call, hit or miss. The
 * overlay returns the value as shown; the facts it read join the answer's status and tags.
 */
export type LiveOverlay<TCtx, TInput, TOutput> = (
  value: TOutput,
  call: { ctx: TCtx; input: TInput; read: LiveReader },
) => Promise<TOutput>;

/** The second argument of `.query()`: every tag the entry carries, listed once; the overlay, if any. */
export interface QueryRules<TCtx, TInput, TOutput> {
  tags: readonly (TagRule<TCtx, TInput, TOutput> | ConstantTag)[];
  live?: LiveOverlay<TCtx, TInput, TOutput>;
}

export interface CallSpec<TCtx, TInput, TOutput> {
  policy: CachePolicy;
  /** The caller's scope segment, after authorization ('public' or `user:<id>`). */
  scope: (ctx: TCtx, input: TInput) => Promise<string>;
  resolver: Resolver<TCtx, TInput, TOutput>;
  rules: QueryRules<TCtx, TInput, TOutput>;
  env: (ctx: TCtx) => CallEnv;
  checkTags: boolean;
  loaderTimeoutMs: number;
  /** Does a write declared on this instance change entries with this tag? (see `fillFloor`) */
  written: (tag: AnyTag) => boolean;
}

function inputTags<TCtx, TInput, TOutput>(
  rules: QueryRules<TCtx, TInput, TOutput>,
  input: TInput,
  ctx: TCtx,
) {
  return rules.tags.flatMap((rule) =>
    'fromInput' in rule ? tagsOf(rule.tag, rule.fromInput(input, ctx)) : 'fromOutput' in rule ? [] : [rule()],
  );
}

function outputTags<TCtx, TInput, TOutput>(rules: QueryRules<TCtx, TInput, TOutput>, output: TOutput) {
  return rules.tags.flatMap((rule) =>
    'fromOutput' in rule ? tagsOf(rule.tag, rule.fromOutput(output)) : [],
  );
}

/**
 * Can the engine's `minPosition` vouch for this read's fill? It covers the tags known before the
 * load, and the derived ones (`fromOutput`) only when an entry carrying them is still stored. A
 * derived tag that some write changes may have moved while no entry remembered it, so such a
 * read's fills take no position: undefined, which the app answers from the primary. Derived tags
 * no write changes (an agent's id on a page found by slug) cannot have moved.
 */
function vouchedByPositions<TCtx, TInput, TOutput>(
  rules: QueryRules<TCtx, TInput, TOutput>,
  written: (tag: AnyTag) => boolean,
): boolean {
  return !rules.tags.some((rule) => 'fromOutput' in rule && written(rule.tag));
}

/** The resolver tRPC runs for a cached read. */
export function cachedResolver<TCtx, TInput, TOutput>(
  spec: CallSpec<TCtx, TInput, TOutput>,
): (opts: CallOptions<TCtx, TInput> & { batchIndex?: number }) => Promise<TOutput> {
  const { policy, rules } = spec;
  return async (opts) => {
    const { ctx, input, path } = opts;
    const scope = await spec.scope(ctx, input);
    const env = spec.env(ctx);
    const key = buildCacheKey({ prefix: env.keyPrefix, version: policy.version, path, scope, input });
    const fromInput = inputTags(rules, input, ctx);
    const load = async ({ minPosition }: { minPosition: bigint | undefined }) => {
      // Once per fill, not per row: the resolver runs all its queries where this context reads.
      const vouched = vouchedByPositions(rules, spec.written);
      const fillCtx = await env.fill(ctx, vouched ? minPosition : undefined);
      const value = await spec.resolver({ ...opts, ctx: fillCtx });
      if (spec.checkTags) assertDeclared(path, [...fromInput, ...outputTags(rules, value)], policy.tags);
      return value;
    };
    const result = await env.cache
      .fetch<TOutput>(key, load, {
        ttlMs: policy.ttlMs,
        graceMs: policy.graceMs,
        tags: fromInput,
        tagsFromValue: (value) => outputTags(rules, value),
        mode: env.mode,
        l1: policy.l1 && env.l1Reads,
        softStaleAfterMs: policy.softStaleAfterMs,
        hardTimeoutMs: spec.loaderTimeoutMs,
      })
      .catch((error: unknown) => {
        if (error instanceof CacheLoaderTimeoutError)
          throw new TRPCError({ code: 'TIMEOUT', message: error.message });
        throw error;
      });
    // The answer's tags, for the client's invalidation (recomputed on a hit: the rules are cheap
    // pure functions, and the engine keeps the stored tags to itself).
    const tags = [...fromInput, ...outputTags(rules, result.value)];
    let { value, status } = result;
    if (rules.live) {
      const live = recordingReader(env, ctx);
      value = await rules.live(value, { ctx, input, read: live.read });
      status = worstStatus([status, ...live.seen.statuses]);
      tags.push(...live.seen.tags);
    }
    env.report?.record({
      path,
      batchIndex: opts.batchIndex ?? 0,
      status,
      tags: [...new Set(tags)],
      ...(result.freshUntil === undefined ? {} : { freshUntil: result.freshUntil }),
    });
    return value;
  };
}
