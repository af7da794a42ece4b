/**
 * `createCaching`: the library, bound to one app's tRPC procedure and context. It returns the
 * builders of cached reads and of mutations that invalidate or write through, live facts, and
 * the registry of a router built with them. Everything app-specific comes in as an option.
 *
 *   const caching = createCaching({ procedure: t.procedure, cache, session: 'session' });
 *   const note = defineTag('note:{id}');
 *   byId: caching.query({ scope: 'public', ttl: '5m' }).input(z.object({ id: z.number() }))
 *     .query(({ ctx, input }) => findNote(ctx.db, input.id), { tags: [note.fromInput((i) => i.id)] }),
 *   rename: caching.mutation({ invalidates: [note] }).input(renameInput)
 *     .mutation(({ ctx, input, write }) => write(async (tx, changed) => {
 *       changed.invalidate(note(input.id));
 *       return renameNote(tx, input);
 *     })),
 */
import type { TRPCMutationProcedure, TRPCProcedureBuilder, TRPCQueryProcedure } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import { type CallOptions, cachedResolver, type QueryRules, type Resolver } from './cached-call';
import { type ContextAccessors, envOf } from './env';
import { type LiveFact, type LiveFactOptions, type LiveValues, readLiveFact, toLiveFact } from './live';
import type { CachingMeta } from './meta';
import type { OutboxStore } from './outbox';
import { type CacheOptions, toPolicy } from './policy';
import type { SharedCachePurge } from './purge';
import { buildRegistry, type CacheRegistry, type RouterLike } from './registry';
import type { AnyTag, TagValue } from './tags';
import { runWrite, type Write, type WriteRule } from './write';

// biome-ignore lint/suspicious/noExplicitAny: any tRPC procedure builder, whatever its context and meta.
type AnyBuilder = TRPCProcedureBuilder<any, any, any, any, any, any, any, any>;

/** The context a resolver of a procedure built on `P` gets (tRPC's own rule: overrides win). */
export type ContextOf<P> =
  // biome-ignore lint/suspicious/noExplicitAny: only the context and its overrides matter here.
  P extends TRPCProcedureBuilder<infer C, any, infer O, any, any, any, any, any>
    ? Omit<C, keyof O> & O
    : never;

/** Public entries are built without the session field: per-user data cannot reach them. */
export type PublicContext<TCtx, K extends PropertyKey> = Omit<TCtx, K>;
/** User-scoped entries are built and authorized with a signed-in context. */
export type SignedInContext<TCtx, K extends keyof TCtx> = TCtx & { [P in K]: NonNullable<TCtx[P]> };

export type CachedQuery<TIn, TOutput> = TRPCQueryProcedure<{
  input: TIn;
  output: TOutput;
  meta: CachingMeta;
}>;
export type CachedMutation<TIn, TOutput> = TRPCMutationProcedure<{
  input: TIn;
  output: TOutput;
  meta: CachingMeta;
}>;

export interface QueryStep<TCtx, TIn, TInput> {
  /** The resolver runs on a miss; `tags` list every tag of the entry, once. */
  query<TOutput>(
    resolver: Resolver<TCtx, TInput, TOutput>,
    rules: QueryRules<TCtx, TInput, TOutput>,
  ): CachedQuery<TIn, TOutput>;
}

export interface PublicQueryBuilder<TCtx> extends QueryStep<TCtx, void, undefined> {
  input<S extends z.ZodType>(schema: S): QueryStep<TCtx, z.input<S>, z.output<S>>;
}

export interface AuthorizeStep<TCtx, TIn, TInput> {
  /** Runs before the cache is read; throw to refuse. */
  authorize(check: (ctx: TCtx, input: TInput) => Promise<void>): QueryStep<TCtx, TIn, TInput>;
}

export interface UserQueryBuilder<TCtx> extends AuthorizeStep<TCtx, void, undefined> {
  input<S extends z.ZodType>(schema: S): AuthorizeStep<TCtx, z.input<S>, z.output<S>>;
}

export interface MutationCall<TCtx, TInput, TTx> {
  ctx: TCtx;
  input: TInput;
  path: string;
  /** Runs the write in a transaction with the record of what it changes (write.ts). */
  write: Write<TTx>;
}

export interface MutationStep<TCtx, TIn, TInput, TTx> {
  mutation<TOutput>(
    resolver: (call: MutationCall<TCtx, TInput, TTx>) => Promise<TOutput>,
  ): CachedMutation<TIn, TOutput>;
}

export interface MutationBuilder<TCtx, TTx> extends MutationStep<TCtx, void, undefined, TTx> {
  input<S extends z.ZodType>(schema: S): MutationStep<TCtx, z.input<S>, z.output<S>, TTx>;
}

export interface MutationOptions<P> {
  /** The procedure to build on (e.g. one that requires a session). Default: `createCaching`'s. */
  procedure?: P;
  invalidates?: readonly AnyTag[];
  softInvalidates?: readonly AnyTag[];
  // biome-ignore lint/suspicious/noExplicitAny: facts of any value and context.
  writeThrough?: readonly LiveFact<any, any>[];
}

export interface CachingOptions<TProc extends AnyBuilder, K extends keyof ContextOf<TProc> & string, TTx>
  extends ContextAccessors<ContextOf<TProc>> {
  /** The app's base procedure (`t.procedure`): cached reads and mutations are built on it. */
  procedure: TProc;
  /**
   * The context field holding the caller (`{ userId }`, null when signed out). User-scoped keys
   * use its `userId`; public entries are built from a context without it.
   */
  session?: K;
  /** Where writes record what they invalidate, in their own transaction (outbox.ts). */
  outbox?: (ctx: ContextOf<TProc>) => OutboxStore<TTx>;
  /** Runs after a write committed, before its invalidations are delivered (fault injection). */
  onCommitted?: (ctx: ContextOf<TProc>) => Promise<void> | void;
  /** A CDN to purge after each write's invalidation landed (purge.ts); undefined: none. */
  purge?: (ctx: ContextOf<TProc>) => SharedCachePurge | undefined;
  /** Check produced tags against declarations. Default: outside production. */
  checkTags?: boolean;
  /** A caller waits at most this long for a resolver; it still finishes and is cached. Default 15 s. */
  loaderTimeoutMs?: number;
}

export interface Caching<TCtx, K extends keyof TCtx & string, TTx> {
  query(options: CacheOptions & { scope: 'public' }): PublicQueryBuilder<PublicContext<TCtx, K>>;
  query(options: CacheOptions & { scope: 'user' }): UserQueryBuilder<SignedInContext<TCtx, K>>;
  mutation<P extends AnyBuilder = never>(
    options: MutationOptions<P>,
  ): MutationBuilder<[P] extends [never] ? TCtx : ContextOf<P>, TTx>;
  liveFact<TValue>(
    options: LiveFactOptions<TValue, PublicContext<TCtx, K>>,
  ): LiveFact<TValue, PublicContext<TCtx, K>>;
  /** Reads live facts outside a cached read (the caller reports them itself). */
  readLive<TValue>(
    ctx: TCtx,
    fact: LiveFact<TValue, PublicContext<TCtx, K>>,
    ids: readonly TagValue[],
  ): Promise<LiveValues<TValue>>;
  /** The registry of a router built with this instance; `namespaces`: others the app caches in. */
  registry(router: RouterLike, options?: { namespaces?: readonly string[] }): CacheRegistry;
}

/**
 * tRPC's builder seen through the one shape used here. tRPC types a resolver's input as a
 * conditional type of its builder's parameters that TypeScript cannot resolve while they are
 * still generic; for any concrete schema the two agree (the input is the schema's output).
 */
interface LooseBuilder {
  meta(meta: CachingMeta): LooseBuilder;
  input(schema: unknown): LooseBuilder;
  query(resolver: (opts: CallOptions<unknown, unknown>) => Promise<unknown>): unknown;
  mutation(resolver: (opts: CallOptions<unknown, unknown>) => Promise<unknown>): unknown;
}

export function createCaching<
  TProc extends AnyBuilder,
  K extends keyof ContextOf<TProc> & string = never,
  TTx = undefined,
>(options: CachingOptions<TProc, K, TTx>): Caching<ContextOf<TProc>, K, TTx> {
  type TCtx = ContextOf<TProc>;
  const checkTags = options.checkTags ?? process.env.NODE_ENV !== 'production';
  const loaderTimeoutMs = options.loaderTimeoutMs ?? 15_000;
  const sessionKey = options.session;
  const env = (ctx: unknown) => envOf(options, ctx as TCtx);
  // biome-ignore lint/suspicious/noExplicitAny: facts of any value; each keeps its own type.
  const liveFacts: LiveFact<any, never>[] = [];
  /** What the mutations built on this instance change (a read's fill asks, long after they are built). */
  const writtenTags = new Set<AnyTag>();
  const written = (tag: AnyTag) => writtenTags.has(tag);

  const withoutSession = (ctx: unknown): unknown => {
    if (sessionKey === undefined) return ctx;
    const { [sessionKey]: _dropped, ...rest } = ctx as Record<string, unknown>;
    return rest;
  };
  const userIdOf = (ctx: unknown): string | number => {
    const session = sessionKey === undefined ? undefined : (ctx as Record<string, unknown>)[sessionKey];
    if (!session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do this.' });
    return (session as { userId: string | number }).userId;
  };

  function build(
    meta: CachingMeta,
    schema: unknown,
    procedure: AnyBuilder = options.procedure,
  ): LooseBuilder {
    // The one cast of the library (why: LooseBuilder above).
    const base = (procedure as unknown as LooseBuilder).meta(meta);
    return schema === undefined ? base : base.input(schema);
  }

  function readStep(
    cacheOptions: CacheOptions,
    schema: unknown,
    authorize?: (ctx: never, input: never) => Promise<void>,
  ) {
    return {
      query: (resolver: Resolver<never, never, unknown>, rules: QueryRules<never, never, unknown>) => {
        const tags = rules.tags.map((rule) => ('tag' in rule ? rule.tag : rule));
        const policy = toPolicy(cacheOptions, [...new Set(tags)]);
        const publicScope = cacheOptions.scope === 'public';
        const run = cachedResolver<unknown, unknown, unknown>({
          policy,
          rules: rules as QueryRules<unknown, unknown, unknown>,
          resolver: resolver as Resolver<unknown, unknown, unknown>,
          env,
          checkTags,
          loaderTimeoutMs,
          written,
          // Authorization runs here, before the cache: a cached answer never reaches someone who could not get it fresh.
          scope: async (ctx, input) => {
            if (publicScope) return 'public';
            const userId = userIdOf(ctx);
            await authorize?.(ctx as never, input as never);
            return `user:${userId}`;
          },
        });
        return build({ cache: policy }, schema).query((opts) =>
          run({ ...opts, ctx: publicScope ? withoutSession(opts.ctx) : opts.ctx }),
        );
      },
    };
  }

  const caching = {
    query(cacheOptions: CacheOptions) {
      if (cacheOptions.scope === 'public') {
        return {
          ...readStep(cacheOptions, undefined),
          input: (schema: unknown) => readStep(cacheOptions, schema),
        };
      }
      const authorizeStep = (schema: unknown) => ({
        authorize: (check: (ctx: never, input: never) => Promise<void>) =>
          readStep(cacheOptions, schema, check),
      });
      return { ...authorizeStep(undefined), input: (schema: unknown) => authorizeStep(schema) };
    },

    mutation(mutationOptions: MutationOptions<AnyBuilder>) {
      const rule: WriteRule = {
        invalidates: mutationOptions.invalidates ?? [],
        softInvalidates: mutationOptions.softInvalidates ?? [],
        writeThrough: mutationOptions.writeThrough ?? [],
      };
      for (const tag of [
        ...rule.invalidates,
        ...rule.softInvalidates,
        ...rule.writeThrough.map((f) => f.tag),
      ])
        writtenTags.add(tag);
      const step = (schema: unknown) => ({
        mutation: (resolver: (call: MutationCall<unknown, unknown, unknown>) => Promise<unknown>) =>
          build({ cacheWrites: rule }, schema, mutationOptions.procedure).mutation(async (opts) =>
            resolver({
              ctx: opts.ctx,
              input: opts.input,
              path: opts.path,
              write: (work) =>
                runWrite(
                  {
                    path: opts.path,
                    rule,
                    env: env(opts.ctx),
                    outbox: options.outbox?.(opts.ctx as TCtx),
                    checkTags,
                    onCommitted: options.onCommitted && (() => options.onCommitted?.(opts.ctx as TCtx)),
                    purge: options.purge?.(opts.ctx as TCtx),
                  },
                  work as never,
                ),
            }),
          ),
      });
      return { ...step(undefined), input: (schema: unknown) => step(schema) };
    },

    liveFact<TValue>(factOptions: LiveFactOptions<TValue, never>) {
      const fact = toLiveFact(factOptions);
      liveFacts.push(fact);
      return fact;
    },

    readLive(ctx: unknown, fact: LiveFact<unknown, unknown>, ids: readonly TagValue[]) {
      return readLiveFact(env(ctx), withoutSession(ctx), fact, ids);
    },

    registry(router: RouterLike, registryOptions: { namespaces?: readonly string[] } = {}) {
      return buildRegistry(router, { liveFacts, namespaces: registryOptions.namespaces ?? [] });
    },
  };
  return caching as unknown as Caching<TCtx, K, TTx>;
}
