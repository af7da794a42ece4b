import type { Category } from '@stash/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTRPCError } from './support/errors';
import { ADA, countQueries, createHarness, GRACE, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const newTemplate = {
  name: 'Weekly report digest',
  description: 'Collects metrics and writes a summary.',
  category: 'data' as const,
  steps: [
    { name: 'Collect', action: 'fetch-metrics' },
    { name: 'Summarize', action: 'llm-summarize', agentSlug: 'x' },
  ],
};

describe('templates', () => {
  it('lists a category newest-first with a cursor, and reads one by id', async () => {
    const { api } = await h.as(null);
    const some = await h.db.prisma.workflowTemplate.findFirstOrThrow();
    const page = await api.templates.list({ category: some.category as Category, limit: 3 });
    expect(page.items.every((t) => t.category === some.category)).toBe(true);
    const times = page.items.map((t) => t.updatedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const detail = await api.templates.byId({ id: some.id });
    expect(detail.name).toBe(some.name);
    expect(detail.updatedAt).toBeInstanceOf(Date);
    await expectTRPCError(api.templates.byId({ id: 987_654 }), 'NOT_FOUND');
  });

  it('caches reads: a second identical call runs no SQL', async () => {
    const some = await h.db.prisma.workflowTemplate.findFirstOrThrow({ orderBy: { id: 'desc' } });
    await (await h.as(null)).api.templates.byId({ id: some.id });
    const second = await h.as(null);
    const { queries } = await countQueries(h, () => second.api.templates.byId({ id: some.id }));
    expect(queries).toBe(0);
    expect(second.ctx.cacheReport.get('templates.byId')).toBe('hit');
  });

  it('creates a template that shows at once in its category list', async () => {
    const { api } = await h.as(ADA);
    const before = await api.templates.list({ category: 'data' });
    const created = await api.templates.create(newTemplate);
    expect(created.slug).toMatch(/^weekly-report-digest-[0-9a-f]{6}$/);
    const after = await (await h.as(null)).api.templates.list({ category: 'data' });
    expect(after.items[0]?.id).toBe(created.id);
    expect(after.items.length).toBe(Math.min(before.items.length + 1, 20));
  });

  it('shows an update at once in the detail and in old and new category lists', async () => {
    const { api } = await h.as(ADA);
    const created = await api.templates.create({ ...newTemplate, name: 'Move me', category: 'writing' });
    // Warm every read the update must refresh.
    await api.templates.byId({ id: created.id });
    await api.templates.list({ category: 'writing' });
    await api.templates.list({ category: 'research' });

    await api.templates.update({ id: created.id, name: 'Moved', category: 'research' });
    const reader = await h.as(null);
    expect((await reader.api.templates.byId({ id: created.id })).name).toBe('Moved');
    const research = await reader.api.templates.list({ category: 'research' });
    expect(research.items[0]).toMatchObject({ id: created.id, name: 'Moved' });
    const writing = await reader.api.templates.list({ category: 'writing' });
    expect(writing.items.some((t) => t.id === created.id)).toBe(false);
  });

  it('lets only the author update', async () => {
    const created = await (await h.as(ADA)).api.templates.create({ ...newTemplate, name: 'Mine' });
    const grace = await h.as(GRACE);
    await expectTRPCError(grace.api.templates.update({ id: created.id, name: 'Stolen' }), 'FORBIDDEN');
    await expectTRPCError(
      (await h.as(null)).api.templates.update({ id: created.id, name: 'x' }),
      'UNAUTHORIZED',
    );
    const row = await h.db.prisma.workflowTemplate.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.name).toBe('Mine');
  });

  it.each([
    ['empty name', { ...newTemplate, name: '' }, 'name'],
    ['name too long', { ...newTemplate, name: 'n'.repeat(121) }, 'name'],
    ['no steps', { ...newTemplate, steps: [] }, 'steps'],
    ['step without action', { ...newTemplate, steps: [{ name: 'a' }] }, 'steps'],
    ['bad category', { ...newTemplate, category: 'Not A Slug' }, 'category'],
  ])('rejects create with %s as BAD_REQUEST and writes nothing', async (_name, input, field) => {
    const count = await h.db.prisma.workflowTemplate.count();
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    const error = await expectTRPCError((await h.as(ADA)).api.templates.create(input as any), 'BAD_REQUEST');
    expect(error.message).toContain(field);
    expect(await h.db.prisma.workflowTemplate.count()).toBe(count);
  });

  it('rejects an update that changes nothing, and list inputs out of range', async () => {
    const { api } = await h.as(ADA);
    await expectTRPCError(api.templates.update({ id: 1 }), 'BAD_REQUEST');
    await expectTRPCError(api.templates.list({ category: 'data', limit: 0 }), 'BAD_REQUEST');
    await expectTRPCError(api.templates.list({ category: 'data', cursor: '%%%' }), 'BAD_REQUEST');
  });
});
