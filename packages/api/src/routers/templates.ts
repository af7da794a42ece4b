import { randomBytes } from 'node:crypto';
import {
  CATEGORIES,
  categorySchema,
  idSchema,
  templateIdSchema,
  text,
  workspaceIdSchema,
} from '@stash/validators';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { requireMemberFresh } from '../auth/membership';
import { caching } from '../caching/caching';
import { workspaceInstalls } from '../caching/live';
import { TTL } from '../caching/policy';
import { tags } from '../caching/tags';
import { cursorSchema } from '../queries/cursor';
import { workspaceInstallRows } from '../queries/live';
import {
  addTemplateAgents,
  agentsBySlug,
  listTemplates,
  slugify,
  stepAgentSlugs,
  templateSelect,
} from '../queries/templates';
import { protectedProcedure } from '../trpc';

// superjson refuses to serialize an object with one of these keys (prototype pollution): a
// stored template carrying one would answer 500 to everyone who lists or opens it.
const UNSERIALIZABLE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const configKey = text()
  .max(60)
  .refine(
    (key) => !UNSERIALIZABLE_KEYS.has(key),
    'A config key cannot be __proto__, constructor or prototype',
  );

const stepSchema = z.object({
  name: text().trim().min(1, 'Each step needs a name').max(80),
  action: text().trim().min(1, 'Each step needs an action').max(80),
  agentSlug: text().trim().max(120).optional(),
  // Stored as jsonb: keys and values must be storable text too.
  config: z.record(configKey, z.union([text().max(500), z.number(), z.boolean()])).optional(),
});

const templateFields = {
  name: text().trim().min(1, 'Name is required').max(120, 'Name is at most 120 characters'),
  description: text().trim().min(1, 'Description is required').max(2000),
  category: categorySchema,
  steps: z.array(stepSchema).min(1, 'A template has at least one step').max(50),
};

const listInput = z.object({
  // Left out: every category (the "All" tab).
  category: categorySchema.optional(),
  limit: z.number().int().min(1).max(50).default(20),
  cursor: cursorSchema.optional(),
});

const byIdInput = z.object({ id: idSchema });

const addToWorkspaceInput = z.object({ templateId: templateIdSchema, workspaceId: workspaceIdSchema });

const updateInput = z
  .object({ id: idSchema, ...z.object(templateFields).partial().shape })
  .refine((v) => Object.keys(v).length > 1, 'Change at least one field');

export const templatesRouter = {
  list: caching
    .query({ scope: 'public', ttl: TTL.templates })
    .input(listInput)
    .query(({ ctx, input }) => listTemplates(ctx.prisma, input), {
      tags: [
        // "All" depends on every category: a template created in any of them must show there.
        {
          tag: tags.templateCategory,
          fromInput: (input) => (input.category ? [input.category] : CATEGORIES),
        },
        { tag: tags.template, fromOutput: (page) => page.items.map((t) => t.id) },
      ],
    }),

  // v2: the agents its steps name joined the output.
  byId: caching
    .query({ scope: 'public', ttl: TTL.templates, version: 'v2' })
    .input(byIdInput)
    .query(
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
        tags: [
          { tag: tags.template, fromInput: (input) => input.id },
          { tag: tags.agent, fromOutput: (template) => template.agents.map((a) => a.id) },
        ],
      },
    ),

  create: caching
    .mutation({ procedure: protectedProcedure, invalidates: [tags.templateCategory] })
    .input(z.object(templateFields))
    .mutation(async ({ ctx, input, write }) => {
      // A short random suffix keeps slugs unique without a read-then-write race.
      const slug = `${slugify(input.name)}-${randomBytes(3).toString('hex')}`;
      return write(async (tx, changed) => {
        const template = await tx.workflowTemplate.create({
          data: { ...input, slug, authorId: ctx.session.userId },
          select: templateSelect,
        });
        changed.invalidate(tags.templateCategory(template.category));
        return template;
      });
    }),

  /**
   * Installs the agents a template's steps need into a workspace (members only). Like installs:
   * the workspace's installs written through, the added agents' counts invalidated. Repeating
   * it is a no-op.
   */
  addToWorkspace: caching
    .mutation({
      procedure: protectedProcedure,
      invalidates: [tags.agentInstalls],
      writeThrough: [workspaceInstalls],
    })
    .input(addToWorkspaceInput)
    .mutation(async ({ ctx, input, write }) => {
      await requireMemberFresh(ctx, input.workspaceId);
      const result = await write(async (tx, changed) => {
        const added = await addTemplateAgents(tx, { ...input, userId: ctx.session.userId });
        if (!added) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such template.' });
        if (added.installed.length > 0) {
          changed.invalidate(...added.installed.map((agentId) => tags.agentInstalls(agentId)));
          changed.writeThrough(
            workspaceInstalls,
            input.workspaceId,
            await workspaceInstallRows(tx, input.workspaceId),
          );
        }
        return added;
      });
      return { ...input, ...result };
    }),

  /** Author only. Moving a template between categories refreshes both category lists. */
  update: caching
    .mutation({ procedure: protectedProcedure, invalidates: [tags.template, tags.templateCategory] })
    .input(updateInput)
    .mutation(async ({ ctx, input, write }) => {
      const { id, ...changes } = input;
      const existing = await ctx.prisma.workflowTemplate.findUnique({
        where: { id },
        select: { authorId: true, category: true },
      });
      if (!existing) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such template.' });
      if (existing.authorId !== ctx.session.userId) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the author can edit this template.' });
      }
      return write(async (tx, changed) => {
        const template = await tx.workflowTemplate.update({
          where: { id },
          data: changes,
          select: templateSelect,
        });
        const categories = new Set([existing.category, template.category]);
        changed.invalidate(
          tags.template(id),
          ...[...categories].map((category) => tags.templateCategory(category)),
        );
        return template;
      });
    }),
} satisfies TRPCRouterRecord;
