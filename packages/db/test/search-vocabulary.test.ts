import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ seed: { agents: 20, templates: 0, users: 4, workspaces: 2 } });
});
afterAll(async () => {
  await db?.drop();
});

async function countOf(word: string): Promise<number | undefined> {
  const row = await db.prisma.searchWord.findUnique({ where: { word } });
  return row?.agents;
}

async function documentOf(id: number): Promise<string> {
  const rows = await db.prisma.$queryRaw<Array<{ d: string }>>`
    SELECT document::text AS d FROM agent_search WHERE agent_id = ${id}`;
  return rows[0]!.d;
}

describe('search document and vocabulary (migrations 20261201090000_agent_search, 20261208090000_agent_search_table)', () => {
  it('weighs name A, tags B, description C, with stems and unstemmed words', async () => {
    await db.prisma.agent.update({
      where: { id: 1 },
      data: { name: 'Zyx Translator', tags: ['qwtag'], description: 'Summarises vellum scrolls.' },
    });
    const doc = await documentOf(1);
    expect(doc).toMatch(/'translat':\d+A/); // English stem
    expect(doc).toMatch(/'translator':\d+A/); // the word itself, for prefixes past the stem
    expect(doc).toMatch(/'qwtag':\d+B/);
    expect(doc).toMatch(/'vellum':\d+C/);
  });

  it('counts each published agent once per word and follows updates, unpublishing and deletes', async () => {
    expect(await countOf('vellum')).toBe(1);
    await db.prisma.agent.update({ where: { id: 2 }, data: { description: 'Vellum and vellum again.' } });
    expect(await countOf('vellum')).toBe(2);
    expect((await db.prisma.searchWord.findUnique({ where: { word: 'vellum' } }))?.lexeme).toBe('vellum');

    await db.prisma.agent.update({ where: { id: 2 }, data: { published: false } });
    expect(await countOf('vellum')).toBe(1);
    await db.prisma.agent.update({ where: { id: 2 }, data: { published: true } });
    expect(await countOf('vellum')).toBe(2);

    await db.prisma.agentInstall.deleteMany({ where: { agentId: 1 } });
    await db.prisma.agent.delete({ where: { id: 1 } });
    expect(await countOf('vellum')).toBe(1);
    expect(await countOf('qwtag')).toBe(0);
  });

  it('does not touch the vocabulary when only counters change (installs)', async () => {
    const before = await db.prisma.searchWord.aggregate({ _sum: { agents: true } });
    await db.prisma.$executeRaw`UPDATE agents SET install_count = install_count + 1`;
    const after = await db.prisma.searchWord.aggregate({ _sum: { agents: true } });
    expect(after._sum.agents).toBe(before._sum.agents);
  });

  it('keeps agent_search in step: counters, text, unpublishing, publishing, deletes', async () => {
    const row = async (id: number) =>
      (
        await db.prisma.$queryRaw<Array<{ installs: number; doc: string }>>`
          SELECT install_count AS installs, document::text AS doc FROM agent_search WHERE agent_id = ${id}`
      )[0];
    const published = await db.prisma.agent.count({ where: { published: true } });
    expect(await db.prisma.agentSearch.count()).toBe(published);

    const agent = await db.prisma.agent.findFirstOrThrow({
      where: { published: true },
      orderBy: { id: 'desc' },
    });
    await db.prisma.$executeRaw`UPDATE agents SET install_count = 777 WHERE id = ${agent.id}`;
    expect((await row(agent.id))?.installs).toBe(777);

    await db.prisma.agent.update({ where: { id: agent.id }, data: { description: 'Parchment only.' } });
    expect((await row(agent.id))?.doc).toMatch(/'parchment':\d+C/);

    await db.prisma.agent.update({ where: { id: agent.id }, data: { published: false } });
    expect(await row(agent.id)).toBeUndefined();
    await db.prisma.agent.update({ where: { id: agent.id }, data: { published: true, installCount: 5 } });
    expect((await row(agent.id))?.installs).toBe(5);

    await db.prisma.agentInstall.deleteMany({ where: { agentId: agent.id } });
    await db.prisma.agent.delete({ where: { id: agent.id } });
    expect(await row(agent.id)).toBeUndefined();
  });

  it('stop words have no stem, so they are never suggested', async () => {
    const and = await db.prisma.searchWord.findUnique({ where: { word: 'and' } });
    expect(and?.lexeme ?? null).toBeNull();
  });
});
