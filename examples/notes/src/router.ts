// The API: two cached reads and two mutations that say what they invalidate.
import type { Cache } from '@stash/cache';
import { type CacheReport, createCaching, defineTag, type InvalidationLog } from '@stash/trpc-cache';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Pool } from 'pg';
import { z } from 'zod';
import { findNote, insertNote, listNotes, renameNote } from './notes.js';

export interface Context {
  db: Pool;
  // One cache engine per server process. It comes through the context (not a module constant)
  // only because the test runs two "instances" in one process, each with its own engine.
  cache: Cache;
  /** Each cached call's outcome (hit/miss/...), turned into the `x-cache` response header. */
  report: CacheReport;
  /** The tags this request's mutations invalidated (`x-invalidated`). */
  invalidations: InvalidationLog;
}

const t = initTRPC.context<Context>().create();

const caching = createCaching({
  procedure: t.procedure,
  cache: (ctx) => ctx.cache,
  keyPrefix: 'notes',
  report: (ctx) => ctx.report,
  invalidations: (ctx) => ctx.invalidations,
});

// Tags: what cached answers depend on. One declaration each gives the builder and the pattern.
const noteList = defineTag('notes'); // membership of the list
const note = defineTag('note:{id}'); // one note's fields

const idInput = z.object({ id: z.number().int().positive() });

export const appRouter = t.router({
  notes: t.router({
    list: caching.query({ scope: 'public', ttl: '5m' }).query(({ ctx }) => listNotes(ctx.db), {
      // A new note changes the list; a renamed note changes its row in it.
      tags: [noteList, { tag: note, fromOutput: (notes) => notes.map((n) => n.id) }],
    }),

    byId: caching
      .query({ scope: 'public', ttl: '5m' })
      .input(idInput)
      .query(({ ctx, input }) => findNote(ctx.db, input.id), {
        tags: [{ tag: note, fromInput: (input) => input.id }],
      }),

    add: caching
      .mutation({ invalidates: [noteList] })
      .input(z.object({ title: z.string().min(1), body: z.string().default('') }))
      .mutation(({ ctx, input, write }) =>
        write(async (_tx, changed) => {
          const created = await insertNote(ctx.db, input);
          changed.invalidate(noteList());
          return created;
        }),
      ),

    rename: caching
      .mutation({ invalidates: [note] })
      .input(idInput.extend({ title: z.string().min(1) }))
      .mutation(({ ctx, input, write }) =>
        write(async (_tx, changed) => {
          const renamed = await renameNote(ctx.db, input.id, input.title);
          if (!renamed) throw new TRPCError({ code: 'NOT_FOUND' });
          changed.invalidate(note(input.id));
          return renamed;
        }),
      ),
  }),
});

export type AppRouter = typeof appRouter;

/** Every namespace the app caches in: the engine marks invalidated tags in each from the start. */
export const cachedNamespaces = caching.registry(appRouter).namespaces();
