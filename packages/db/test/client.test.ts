import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type QueryEvent } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ seed: { agents: 50, templates: 5, users: 4, workspaces: 3 } });
});
afterAll(async () => {
  await db?.drop();
});

describe('createDb', () => {
  it('reports every statement of a findMany to onQuery, with its duration', async () => {
    const events: QueryEvent[] = [];
    const { prisma, close } = createDb({ url: db.url, poolMax: 2, onQuery: (e) => events.push(e) });
    try {
      const agents = await prisma.agent.findMany({ where: { category: 'coding' }, take: 3 });
      expect(agents.length).toBeGreaterThan(0);
      expect(events).toHaveLength(1);
      expect(events[0]!.sql).toMatch(/^SELECT .* FROM "public"\."agents" WHERE/);
      expect(events[0]!.durationMs).toBeGreaterThanOrEqual(0);

      events.length = 0;
      await prisma.$transaction([prisma.user.count(), prisma.agent.count()]);
      expect(events.map((e) => e.sql.split(' ')[0])).toEqual(['BEGIN', 'SELECT', 'SELECT', 'COMMIT']);
    } finally {
      await close();
    }
  });

  it('lets the testing helper count queries (a cache hit must show zero)', async () => {
    db.queries.reset();
    await db.prisma.user.findUnique({ where: { id: 1 } });
    expect(db.queries.count).toBe(1);
    db.queries.reset();
    expect(db.queries.count).toBe(0);
    expect(db.queries.sql).toEqual([]);
  });

  it('close() is idempotent', async () => {
    const { prisma, close } = createDb({ url: db.url });
    await prisma.user.count();
    await Promise.all([close(), close()]);
  });
});

describe('createTestDatabase', () => {
  it('explains what to do when PostgreSQL does not answer', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgresql://postgres:secret@127.0.0.1:1/test';
    try {
      await expect(createTestDatabase()).rejects.toThrow(
        'PostgreSQL is not answering at postgresql://postgres:***@127.0.0.1:1/test: start it (see README) or set DATABASE_URL',
      );
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
