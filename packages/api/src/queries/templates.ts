import type { Prisma, PrismaClient } from '@stash/db';
import { type Cursor, cursorDate, toPage } from './cursor';

export const templateSelect = {
  id: true,
  slug: true,
  name: true,
  description: true,
  category: true,
  steps: true,
  createdAt: true,
  updatedAt: true,
  author: { select: { id: true, name: true } },
} as const satisfies Prisma.WorkflowTemplateSelect;

/** `category` undefined: every category (the "All" tab). */
export async function listTemplates(
  prisma: PrismaClient,
  params: { category?: string | undefined; limit: number; cursor?: Cursor | undefined },
) {
  const { category, limit, cursor } = params;
  const at = cursor ? cursorDate(cursor) : undefined;
  const after: Prisma.WorkflowTemplateWhereInput | undefined =
    cursor && at ? { OR: [{ updatedAt: { lt: at } }, { updatedAt: at, id: { lt: cursor.id } }] } : undefined;
  const rows = await prisma.workflowTemplate.findMany({
    where: { ...(category ? { category } : {}), ...(after ? { AND: [after] } : {}) },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: templateSelect,
  });
  return toPage(rows, limit, (template) => template.updatedAt.toISOString());
}

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'template'
  );
}

/** The agent slugs a template's steps name, in step order, without repeats. */
export function stepAgentSlugs(steps: Prisma.JsonValue): string[] {
  if (!Array.isArray(steps)) return [];
  const slugs = steps.flatMap((step) =>
    step && typeof step === 'object' && !Array.isArray(step) && typeof step.agentSlug === 'string'
      ? [step.agentSlug]
      : [],
  );
  return [...new Set(slugs)];
}

/** The published agents behind those slugs, so steps can show names and link to them. */
export async function agentsBySlug(prisma: PrismaClient, slugs: string[]) {
  if (slugs.length === 0) return [];
  return prisma.agent.findMany({
    where: { slug: { in: slugs }, published: true },
    select: { id: true, slug: true, name: true, category: true },
    orderBy: { id: 'asc' },
  });
}

/**
 * "Use this template in a workspace": installs every published agent its steps name, in one
 * statement (install rows and install counters move together; agents already installed are left
 * alone). Null when the template does not exist. `installed` lists the agents this call added.
 */
export async function addTemplateAgents(
  prisma: PrismaClient | Prisma.TransactionClient,
  input: { templateId: number; workspaceId: number; userId: number },
): Promise<{ agentIds: number[]; installed: number[] } | null> {
  const template = await prisma.workflowTemplate.findUnique({
    where: { id: input.templateId },
    select: { steps: true },
  });
  if (!template) return null;
  const slugs = stepAgentSlugs(template.steps);
  if (slugs.length === 0) return { agentIds: [], installed: [] };
  const rows = await prisma.$queryRaw<Array<{ id: number; added: boolean }>>`
    WITH target AS (
      SELECT id FROM agents WHERE slug = ANY(${slugs}::text[]) AND published
    ), inserted AS (
      INSERT INTO agent_installs (agent_id, workspace_id, installed_by_id)
      SELECT id, ${input.workspaceId}, ${input.userId} FROM target
      ON CONFLICT (workspace_id, agent_id) DO NOTHING
      RETURNING agent_id
    ), bumped AS (
      UPDATE agents SET install_count = install_count + 1
      WHERE id IN (SELECT agent_id FROM inserted)
      RETURNING id
    )
    SELECT target.id, (bumped.id IS NOT NULL) AS added
    FROM target LEFT JOIN bumped ON bumped.id = target.id
    ORDER BY target.id`;
  return { agentIds: rows.map((r) => r.id), installed: rows.filter((r) => r.added).map((r) => r.id) };
}
