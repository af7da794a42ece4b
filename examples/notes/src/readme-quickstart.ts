// The quick start of packages/trpc-cache/README.md, kept here so `npm test` typechecks it against
// the packed library (never run: nothing imports it). Change both together.
import { createCache } from '@stash/cache';
import { createCaching, defineTag } from '@stash/trpc-cache';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';

// Your context, as you have it today: here a database handle and the signed-in user (or null).
interface Context {
  db: Db;
  session: { userId: number } | null;
}
interface Db {
  posts: {
    byId(id: number): Promise<{ id: number; title: string } | null>;
    rename(id: number, title: string): Promise<{ id: number; title: string }>;
    drafts(userId: number): Promise<{ id: number }[]>;
  };
}
declare function canWrite(session: { userId: number }): boolean;
const t = initTRPC.context<Context>().create();

const cache = createCache({ prefix: 'myapp', redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
const caching = createCaching({ procedure: t.procedure, cache, session: 'session' });

const post = defineTag('post:{id}');

export const appRouter = t.router({
  post: caching
    .query({ scope: 'public', ttl: '10m' })
    .input(z.object({ id: z.number() }))
    .query(({ ctx, input }) => ctx.db.posts.byId(input.id), {
      tags: [{ tag: post, fromInput: (input) => input.id }],
    }),

  renamePost: caching
    .mutation({ invalidates: [post] })
    .input(z.object({ id: z.number(), title: z.string().min(1) }))
    .mutation(({ ctx, input, write }) =>
      write(async (_tx, changed) => {
        const renamed = await ctx.db.posts.rename(input.id, input.title);
        changed.invalidate(post(input.id));
        return renamed;
      }),
    ),

  myDrafts: caching
    .query({ scope: 'user', ttl: '1m' })
    .authorize(async (ctx) => {
      if (!canWrite(ctx.session)) throw new TRPCError({ code: 'FORBIDDEN' });
    })
    .query(({ ctx }) => ctx.db.posts.drafts(ctx.session.userId), {
      tags: [{ tag: post, fromOutput: (drafts) => drafts.map((d) => d.id) }],
    }),
});
