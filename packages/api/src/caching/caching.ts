/**
 * The app's instance of `@stash/trpc-cache`: cached reads and writes are built on the app's
 * public procedure, and find the cache, key prefix, caller and reports in the app's context.
 */
import { createCaching, type SignedInContext as SignedInContextOf } from '@stash/trpc-cache';
import type { Context } from '../context';
import { publicProcedure } from '../trpc';
import { prismaOutbox } from './outbox';
import { fillClient, usesReplicas } from './replica-reads';

/** Set by the fault suite only (STASH_FAULT_INJECTION=1): die between commit and delivery. */
export const CRASH_AFTER_COMMIT = 'crash-after-commit';

export const caching = createCaching({
  procedure: publicProcedure,
  session: 'session',
  cache: (ctx) => ctx.cache,
  keyPrefix: (ctx) => ctx.cacheKeyPrefix,
  mode: (ctx) => ctx.cacheMode,
  l1Reads: (ctx) => ctx.l1Reads,
  report: (ctx) => ctx.cacheReport,
  invalidations: (ctx) => ctx.invalidations,
  outbox: (ctx) => prismaOutbox(ctx.prisma, { positions: usesReplicas(ctx) }),
  // Resolvers and live facts read `ctx.prisma`: on a fill it is where the fill may read.
  fillContext: async (ctx, { minPosition }) =>
    usesReplicas(ctx) ? { ...ctx, prisma: await fillClient(ctx, minPosition) } : ctx,
  purge: (ctx) => ctx.cdn?.purge,
  async onCommitted(ctx) {
    if (ctx.fault !== CRASH_AFTER_COMMIT) return;
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {}); // never delivered: the relay of another instance must do it
  },
});

/** The context a user-scoped cached read gets: the app's, signed in. */
export type SignedInContext = SignedInContextOf<Context, 'session'>;
