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

export async function listTemplates(
  prisma: PrismaClient,
  params: { category: string; limit: number; cursor?: Cursor | undefined },
) {
  const { category, limit, cursor } = params;
  const at = cursor ? cursorDate(cursor) : undefined;
  const after: Prisma.WorkflowTemplateWhereInput | undefined =
    cursor && at ? { OR: [{ updatedAt: { lt: at } }, { updatedAt: at, id: { lt: cursor.id } }] } : undefined;
  const rows = await prisma.workflowTemplate.findMany({
    where: { category, ...(after ? { AND: [after] } : {}) },
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
