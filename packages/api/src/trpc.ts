/**
 * tRPC setup: one small file with the context type, the error shape and the procedure kinds.
 * Cached reads and writes are built on these by `caching` (./caching/caching.ts).
 */
import { toSuperJSON } from '@stash/cache';
import type { CachingMeta } from '@stash/trpc-cache';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { Context } from './context';

/** What a client sees of an unexpected error: never the database's or our own internal text. */
export function internalErrorMessage(requestId: string | undefined): string {
  return requestId
    ? `Something went wrong on our side. If it persists, quote request id ${requestId}.`
    : 'Something went wrong on our side.';
}

// Meta carries a cached procedure's options, so they can be found by the path it is mounted at.
const t = initTRPC
  .context<Context>()
  .meta<CachingMeta>()
  .create({
    // Stack traces only when explicitly developing (NODE_ENV unset is not development here).
    isDev: process.env.NODE_ENV === 'development',
    // Inputs: superjson. Outputs: the same superjson document, built without superjson's deep copy
    // for plain JSON + Dates (a cache hit's answer is exactly that); clients read it with superjson.
    transformer: {
      input: superjson,
      output: { serialize: toSuperJSON, deserialize: (data) => superjson.deserialize(data) },
    },
    errorFormatter({ shape, error, ctx }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      // An INTERNAL_SERVER_ERROR carries whatever threw (Prisma's query text, a driver message):
      // the client gets a generic sentence and the request id; the server log has the details.
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      return {
        ...shape,
        // A readable sentence instead of tRPC's JSON dump of the issues.
        message: zodError
          ? z.prettifyError(zodError)
          : internal
            ? internalErrorMessage(ctx?.requestId)
            : shape.message,
        data: {
          ...shape.data,
          requestId: ctx?.requestId ?? null,
          // { formErrors: string[], fieldErrors: { field: string[] } }: what a form shows next to inputs.
          zodError: zodError ? z.flattenError(zodError) : null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure;

/** Signed-in users only; narrows `ctx.session` to non-null for the resolver. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to do this.' });
  }
  return next({ ctx: { session: ctx.session } });
});
