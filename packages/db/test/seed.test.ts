import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, type PrismaClient, seedDatabase } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../src/testing';

const SIZE = { agents: 600, templates: 60, users: 12, workspaces: 10, seed: 7 };
const TABLES = ['users', 'workspaces', 'workspace_members', 'agents', 'agent_installs', 'workflow_templates'];

/** md5 over every row of every seeded table, in primary-key order: equal digests, equal data. */
async function digest(prisma: PrismaClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const rows = await prisma.$queryRawUnsafe<Array<{ md5: string }>>(
      `SELECT md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5 FROM "${table}" t`,
    );
    out[table] = rows[0]!.md5;
  }
  return out;
}

let a: TestDatabase;
let b: TestDatabase;
beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase({ seed: SIZE }), createTestDatabase({ seed: SIZE })]);
});
afterAll(async () => {
  await Promise.all([a?.drop(), b?.drop()]);
});

describe('seedDatabase', () => {
  it('writes the configured counts', async () => {
    const p = a.prisma;
    expect(await p.agent.count()).toBe(SIZE.agents);
    expect(await p.workflowTemplate.count()).toBe(SIZE.templates);
    expect(await p.user.count()).toBe(SIZE.users);
    expect(await p.workspace.count()).toBe(SIZE.workspaces);
    expect(await p.agentInstall.count()).toBeGreaterThan(0);
  });

  it('is deterministic: same seed, same rows and ids on two fresh databases', async () => {
    expect(await digest(a.prisma)).toEqual(await digest(b.prisma));
  });

  it('changes nothing when run again', async () => {
    const before = await digest(a.prisma);
    const summary = await seedDatabase(a.prisma, SIZE);
    expect(summary.skipped).toBe(true);
    expect(await digest(a.prisma)).toEqual(before);
  });

  it('still counts as seeded after people used the app (a template they created)', async () => {
    const author = await b.prisma.user.findFirstOrThrow();
    await b.prisma.workflowTemplate.create({
      data: {
        slug: 'made-in-the-app',
        name: 'Made in the app',
        description: 'x',
        category: 'data',
        steps: [],
        authorId: author.id,
      },
    });
    const summary = await seedDatabase(b.prisma, SIZE);
    expect(summary.skipped).toBe(true);
  });

  it('refuses to mix a different size into a seeded database', async () => {
    await expect(seedDatabase(a.prisma, { ...SIZE, agents: SIZE.agents + 1 })).rejects.toThrow(
      /already seeded/,
    );
  });

  it('keeps installCount consistent with real installs and data in range', async () => {
    const bad = await a.prisma.$queryRaw<Array<{ id: number }>>`
      SELECT a.id FROM agents a
        LEFT JOIN (SELECT agent_id, count(*)::int AS n FROM agent_installs GROUP BY agent_id) i ON i.agent_id = a.id
       WHERE a.install_count < COALESCE(i.n, 0) OR a.rating < 1 OR a.rating > 5 OR a.rating_count < 1`;
    expect(bad).toEqual([]);
    const agents = await a.prisma.agent.findMany({ select: { tags: true, category: true, createdAt: true } });
    expect(new Set(agents.map((x) => x.category)).size).toBeLessThanOrEqual(10);
    for (const agent of agents) {
      for (const tag of agent.tags) expect(tag).toBe(tag.toLowerCase());
    }
    const ts = agents.map((x) => x.createdAt.getTime());
    expect(Math.max(...ts) - Math.min(...ts)).toBeGreaterThan(365 * 24 * 3600 * 1000);
  });

  it('creates the demo accounts with the promised memberships', async () => {
    const [ada, grace] = await Promise.all(
      DEMO_USERS.slice(0, 2).map((email) =>
        a.prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } }),
      ),
    );
    expect(ada!.id).toBe(1);
    expect(ada!.memberships).toContainEqual(expect.objectContaining({ workspaceId: 1, role: 'OWNER' }));
    expect(ada!.memberships).toContainEqual(expect.objectContaining({ workspaceId: 2, role: 'MEMBER' }));
    expect(grace!.memberships.map((m) => m.workspaceId)).not.toContain(1);
    expect(await a.prisma.agentInstall.count({ where: { workspaceId: 1 } })).toBeGreaterThanOrEqual(5);
  });

  it('leaves the id sequences past the seeded rows', async () => {
    const user = await b.prisma.user.create({
      data: { email: 'new@example.com', name: 'New', passwordHash: 'x' },
    });
    expect(user.id).toBe(SIZE.users + 1);
  });
});
