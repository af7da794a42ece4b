import { randomBytes } from 'node:crypto';
import { CATEGORIES } from '@stash/db';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import { cached } from '../caching/cached';
import { invalidate } from '../caching/invalidate';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import { cursorSchema } from '../queries/cursor';
import {
  addTemplateAgents,
  agentsBySlug,
  listTemplates,
  slugify,
  stepAgentSlugs,
  templateSelect,
} from '../queries/templates';
import { protectedProcedure, publicProcedure } from '../trpc';
import { categorySchema } from './marketplace';

const stepSchema = z.object({
  name: z.string().trim().min(1, 'Each step needs a name').max(80),
  action: z.string().trim().min(1, 'Each step needs an action').max(80),
  agentSlug: z.string().trim().max(120).optional(),
  config: z.record(z.string().max(60), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
});

const templateFields = {
  name: z.string().trim().min(1, 'Name is required').max(120, 'Name is at most 120 characters'),
  description: z.string().trim().min(1, 'Description is required').max(2000),
  category: categorySchema,
  steps: z.array(stepSchema).min(1, 'A template has at least one step').max(50),
};

const listInput = z.object({
  // Left out: every category (the "All" tab).
  category: categorySchema.optional(),
  limit: z.number().int().min(1).max(50).default(20),
  cursor: cursorSchema.optional(),
});

const byIdInput = z.object({ id: z.number().int().positive() });

const addToWorkspaceInput = z.object({
  templateId: z.number().int().positive(),
  workspaceId: z.number().int().positive(),
});

const updateInput = z
  .object({ id: z.number().int().positive(), ...z.object(templateFields).partial().shape })
  .refine((v) => Object.keys(v).length > 1, 'Change at least one field');

export const templatesRouter = {
  list: publicProcedure.input(listInput).query(
    cached(({ ctx, input }) => listTemplates(ctx.prisma, input), {
      path: 'templates.list',
      version: 'v1',
      ttlMs: TTL.templates,
      scope: 'public',
      // "All" depends on every category: a template created in any of them must show there.
      tags: (input) => (input.category ? [input.category] : CATEGORIES).map(tags.templateCategory),
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
        // Steps name agents by slug; the page shows their names and links to them.
        return { ...template, agents: await agentsBySlug(ctx.prisma, stepAgentSlugs(template.steps)) };
      },
      {
        path: 'templates.byId',
        version: 'v2',
        ttlMs: TTL.templates,
        scope: 'public',
        tags: (input) => [tags.template(input.id)],
        tagsFromOutput: (template) => template.agents.map((a) => tags.agent(a.id)),
        tagKinds: ['template', 'agent'],
      },
    ),
  ),

  create: protectedProcedure.input(z.object(templateFields)).mutation(async ({ ctx, input }) => {
    // A short random suffix keeps slugs unique without a read-then-write race.
    const slug = `${slugify(input.name)}-${randomBytes(3).toString('hex')}`;
    const template = await ctx.prisma.workflowTemplate.create({
      data: { ...input, slug, authorId: ctx.session.userId },
      select: templateSelect,
    });
    await invalidate(ctx, 'templates.create', { hard: [tags.templateCategory(template.category)] });
    return template;
  }),

  /**
   * Installs the agents a template's steps need into a workspace (members only). Like installs:
   * the workspace and the added agents hard, marketplace lists soft. Repeating it is a no-op.
   */
  addToWorkspace: protectedProcedure.input(addToWorkspaceInput).mutation(async ({ ctx, input }) => {
    await requireMemberFresh(ctx, input.workspaceId);
    const result = await addTemplateAgents(ctx.prisma, { ...input, userId: ctx.session.userId });
    if (!result) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such template.' });
    if (result.installed.length > 0) {
      await invalidate(ctx, 'templates.addToWorkspace', {
        hard: [tags.workspace(input.workspaceId), ...result.installed.map(tags.agent)],
        soft: [tags.marketplaceLists()],
      });
    }
    return { ...input, ...result };
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
    const template = await ctx.prisma.workflowTemplate.update({
      where: { id },
      data: changes,
      select: templateSelect,
    });
    const categories = new Set([existing.category, template.category]);
    await invalidate(ctx, 'templates.update', {
      hard: [tags.template(id), ...[...categories].map(tags.templateCategory)],
    });
    return template;
  }),
} satisfies TRPCRouterRecord;
