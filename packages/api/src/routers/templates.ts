import { randomBytes } from 'node:crypto';
import { categorySchema, idSchema, text } from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { cached } from '../caching/cached';
import { writeThenInvalidate } from '../caching/invalidate';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import { cursorSchema } from '../queries/cursor';
import { listTemplates, slugify, templateSelect } from '../queries/templates';
import { protectedProcedure, publicProcedure } from '../trpc';

const stepSchema = z.object({
  name: text().trim().min(1, 'Each step needs a name').max(80),
  action: text().trim().min(1, 'Each step needs an action').max(80),
  agentSlug: text().trim().max(120).optional(),
  // Stored as jsonb: keys and values must be storable text too.
  config: z.record(text().max(60), z.union([text().max(500), z.number(), z.boolean()])).optional(),
});

const templateFields = {
  name: text().trim().min(1, 'Name is required').max(120, 'Name is at most 120 characters'),
  description: text().trim().min(1, 'Description is required').max(2000),
  category: categorySchema,
  steps: z.array(stepSchema).min(1, 'A template has at least one step').max(50),
};

const listInput = z.object({
  category: categorySchema,
  limit: z.number().int().min(1).max(50).default(20),
  cursor: cursorSchema.optional(),
});

const byIdInput = z.object({ id: idSchema });

const updateInput = z
  .object({ id: idSchema, ...z.object(templateFields).partial().shape })
  .refine((v) => Object.keys(v).length > 1, 'Change at least one field');

export const templatesRouter = {
  list: publicProcedure.input(listInput).query(
    cached(({ ctx, input }) => listTemplates(ctx.prisma, input), {
      path: 'templates.list',
      version: 'v1',
      ttlMs: TTL.templates,
      scope: 'public',
      tags: (input) => [tags.templateCategory(input.category)],
      tagsFromOutput: (page) => page.items.map((t) => tags.template(t.id)),
      tagKinds: ['templateCategory', 'template'],
    }),
  ),

  byId: publicProcedure.input(byIdInput).query(
    cached(
      async ({ ctx, input }) => {
        const template = await ctx.prisma.workflowTemplate.findUnique({
          where: { id: input.id },
          select: templateSelect,
        });
        if (!template) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such template.' });
        return template;
      },
      {
        path: 'templates.byId',
        version: 'v1',
        ttlMs: TTL.templates,
        scope: 'public',
        tags: (input) => [tags.template(input.id)],
        tagKinds: ['template'],
      },
    ),
  ),

  create: protectedProcedure.input(z.object(templateFields)).mutation(async ({ ctx, input }) => {
    // A short random suffix keeps slugs unique without a read-then-write race.
    const slug = `${slugify(input.name)}-${randomBytes(3).toString('hex')}`;
    return writeThenInvalidate(ctx, 'templates.create', async (tx) => {
      const template = await tx.workflowTemplate.create({
        data: { ...input, slug, authorId: ctx.session.userId },
        select: templateSelect,
      });
      return { result: template, invalidate: { hard: [tags.templateCategory(template.category)] } };
    });
  }),

  /** Author only. Moving a template between categories refreshes both category lists. */
  update: protectedProcedure.input(updateInput).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    const existing = await ctx.prisma.workflowTemplate.findUnique({
      where: { id },
      select: { authorId: true, category: true },
    });
    if (!existing) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such template.' });
    if (existing.authorId !== ctx.session.userId) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the author can edit this template.' });
    }
    return writeThenInvalidate(ctx, 'templates.update', async (tx) => {
      const template = await tx.workflowTemplate.update({
        where: { id },
        data: changes,
        select: templateSelect,
      });
      const categories = new Set([existing.category, template.category]);
      return {
        result: template,
        invalidate: { hard: [tags.template(id), ...[...categories].map(tags.templateCategory)] },
      };
    });
  }),
} satisfies TRPCRouterRecord;
