import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, openDatabase, runMigrations, seedDatabase, startEmbeddedPostgres } from '../src/index';
import { defaultMigrationsDir, readMigrations } from '../src/migrate';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stash-pglite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * PGlite is PostgreSQL compiled to WASM: booting it and running every migration (the search
 * triggers and extensions included) takes ~20 s on a quiet 2-core machine and 60 s and more
 * beside busy loops. A safety limit, not a timing claim.
 */
const PGLITE_LIMIT_MS = 240_000;

describe('embedded PostgreSQL (PGlite)', () => {
  it('boots, migrates (pg_trgm included) and answers through the Prisma client', {
    timeout: PGLITE_LIMIT_MS,
  }, async () => {
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'direct') });
    const db = createDb({ url: pg.url, poolMax: 1 });
    try {
      expect(pg.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
      const migrations = await readMigrations(defaultMigrationsDir());
      expect((await runMigrations(pg.url)).applied).toHaveLength(migrations.length);
      const summary = await seedDatabase(db.prisma, { agents: 100, templates: 10, users: 5, workspaces: 3 });
      expect(summary.agents).toBe(100);

      const ada = await db.prisma.user.findUnique({ where: { email: 'ada@stash.dev' } });
      expect(ada?.id).toBe(1);
      // The trigram index's operator class exists, and ILIKE search works.
      const sim = await db.prisma.$queryRaw<
        Array<{ s: number }>
      >`SELECT similarity('agent', 'agents')::float8 AS s`;
      expect(sim[0]!.s).toBeGreaterThan(0.5);
      const found = await db.prisma.agent.count({ where: { name: { contains: 'a', mode: 'insensitive' } } });
      expect(found).toBeGreaterThan(0);
    } finally {
      await db.close();
      await pg.stop();
    }
  });

  it('openDatabase falls back to it without DATABASE_URL and keeps data across restarts', {
    timeout: PGLITE_LIMIT_MS,
  }, async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    const dataDir = join(dir, 'opened');
    try {
      const first = await openDatabase({ dataDir, migrate: true });
      expect(first.embedded).toBe(true);
      await first.prisma.user.create({ data: { email: 'x@example.com', name: 'X', passwordHash: 'h' } });
      await first.close();

      const lines: string[] = [];
      const second = await openDatabase({ dataDir, migrate: true, log: (l) => lines.push(l) });
      try {
        expect(lines.join('\n')).toContain('up to date');
        expect(await second.prisma.user.count()).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });
});
