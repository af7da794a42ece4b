/**
 * `cachedProcedure`: the one way to declare a cached read. It reads like a tRPC procedure and
 * builds one:
 *
 *   cachedProcedure({ scope: 'public', ttl: '5m', tags: ['agent'] })
 *     .input(agentRef)
 *     .query(({ ctx, input }) => findAgent(ctx.prisma, input), {
 *       fromOutput: (agent) => [tags.agent(agent.id)],
 *     })
 *
 * User scope adds `.authorize(check)` after `.input()`; without it there is no `.query()` to
 * call (a compile error). The procedure is a plain tRPC query whose resolver is wrapped
 * (cached-call.ts), so the key is built from the parsed input and every type is inferred from
 * the schema and the resolver. Its path is where it is mounted: the options travel in tRPC
 * `meta` and root.ts registers them by path. Why a wrapper and not a middleware:
 * docs/architecture.md.
 */
import type { TRPCQueryProcedure } from '@trpc/server';
import type { z } from 'zod';
import type { Context } from '../context';
import { publicProcedure } from '../trpc';
import {
  type CachedCallSpec,
  type CallOptions,
  cachedResolver,
  type Resolver,
  type TagRules,
} from './cached-call';
import {
  type CacheOptions,
  type CachePolicy,
  normalizeOptions,
  type ProcedureMeta,
  type PublicContext as PublicContextOf,
  type SignedInContext as SignedInContextOf,
} from './policy';

/** The app's context as public entries and user-scoped ones see it (policy.ts says why). */
export type PublicContext = PublicContextOf<Context>;
export type SignedInContext = SignedInContextOf<Context>;

/** The procedure a cached read becomes: `TIn` is what callers pass, `TOutput` what they get. */
export type CachedQuery<TIn, TOutput> = TRPCQueryProcedure<{
  input: TIn;
  output: TOutput;
  meta: ProcedureMeta;
}>;

export interface QueryStep<TCtx, TIn, TInput> {
  /** The resolver runs on a miss; `tags` say what its answer depends on (see tags.ts). */
  query<TOutput>(
    resolver: Resolver<TCtx, TInput, TOutput>,
    tags?: TagRules<TCtx, TInput, TOutput>,
  ): CachedQuery<TIn, TOutput>;
}

export interface PublicCachedBuilder extends QueryStep<PublicContext, void, undefined> {
  input<S extends z.ZodType>(schema: S): QueryStep<PublicContext, z.input<S>, z.output<S>>;
}

export interface AuthorizeStep<TIn, TInput> {
  /** Runs before the cache is read; throw to refuse. */
  authorize(
    check: (ctx: SignedInContext, input: TInput) => Promise<void>,
  ): QueryStep<SignedInContext, TIn, TInput>;
}

export interface UserCachedBuilder extends AuthorizeStep<void, undefined> {
  input<S extends z.ZodType>(schema: S): AuthorizeStep<z.input<S>, z.output<S>>;
}

/**
 * tRPC's builder seen through the one shape we use. tRPC types a resolver's input as a
 * conditional type of its builder's parameters (`TInput extends UnsetMarker ? undefined : ...`)
 * that TypeScript cannot resolve while `TInput` is still generic, and it exposes no public way
 * to name the result (the same wall as trpc/trpc#4066). For any concrete schema the two agree:
 * the input is the schema's output (undefined without one) and the procedure's type is
 * `CachedQuery<schema input, resolver output>`, which is what callers and clients infer.
 */
interface QueryBuilder<TIn, TInput> {
  query<TOutput>(
    resolver: (opts: CallOptions<Context, TInput> & { batchIndex?: number }) => Promise<TOutput>,
  ): CachedQuery<TIn, TOutput>;
}

/** Builds the tRPC procedure: meta for the registry, the schema if any, the wrapped resolver. */
function build<TIn, TInput, TOutput>(
  policy: CachePolicy,
  schema: z.ZodType | undefined,
  spec: CachedCallSpec<Context, TInput, TOutput>,
): CachedQuery<TIn, TOutput> {
  const base = publicProcedure.meta({ cache: policy });
  // The one cast of the caching layer (why: QueryBuilder above).
  const builder = (schema ? base.input(schema) : base) as unknown as QueryBuilder<TIn, TInput>;
  return builder.query(cachedResolver(spec));
}

export function cachedProcedure(options: CacheOptions & { scope: 'public' }): PublicCachedBuilder;
export function cachedProcedure(options: CacheOptions & { scope: 'user' }): UserCachedBuilder;
export function cachedProcedure(options: CacheOptions): PublicCachedBuilder | UserCachedBuilder {
  const policy = normalizeOptions(options);

  function publicQuery<TIn, TInput>(schema: z.ZodType | undefined): QueryStep<PublicContext, TIn, TInput> {
    return {
      query: (resolver, tags = {}) => build(policy, schema, { policy, scope: 'public', resolver, tags }),
    };
  }

  function authorizeStep<TIn, TInput>(schema: z.ZodType | undefined): AuthorizeStep<TIn, TInput> {
    return {
      authorize: (authorize) => ({
        query: (resolver, tags = {}) =>
          build(policy, schema, { policy, scope: 'user', authorize, resolver, tags }),
      }),
    };
  }

  if (options.scope === 'public') {
    return {
      ...publicQuery<void, undefined>(undefined),
      input: <S extends z.ZodType>(schema: S) => publicQuery<z.input<S>, z.output<S>>(schema),
    };
  }
  return {
    ...authorizeStep<void, undefined>(undefined),
    input: <S extends z.ZodType>(schema: S) => authorizeStep<z.input<S>, z.output<S>>(schema),
  };
}
