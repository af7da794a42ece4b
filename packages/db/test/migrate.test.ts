import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MigrationStateError, runMigrations } from '../src/index';
import { defaultMigrationsDir, readMigrations } from '../src/migrate';
import { createEmptyDatabase } from '../src/testing';

const TABLES = [
  '_prisma_migrations',
  'agent_installs',
  'agent_search',
  'agents',
  'cache_outbox',
  'search_words',
  'users',
  'workflow_templates',
  'workspace_members',
  'workspaces',
];

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Everything a migration could change, as one comparable value. */
function snapshot(url: string) {
  return withClient(url, async (c) => ({
    tables: (
      await c.query<{ t: string }>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      )
    ).rows.map((r) => r.t),
    indexes: (
      await c.query<{ d: string }>(
        "SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
      )
    ).rows.map((r) => r.d),
    history: (
      await c.query(
        'SELECT id, checksum, migration_name, finished_at, started_at FROM "_prisma_migrations" ORDER BY 3',
      )
    ).rows,
  }));
}

const dbs: Array<{ drop(): Promise<void> }> = [];
const tmpDirs: string[] = [];
async function emptyDb() {
  const db = await createEmptyDatabase();
  dbs.push(db);
  return db.url;
}
async function copyOfMigrations() {
  const dir = await mkdtemp(join(tmpdir(), 'stash-migrations-'));
  tmpDirs.push(dir);
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}
afterEach(async () => {
  await Promise.all(tmpDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

describe('runMigrations', () => {
  it('creates the schema of schema.prisma on an empty database and records it like Prisma', async () => {
    const url = await emptyDb();
    const all = await readMigrations(defaultMigrationsDir());
    const [init] = all;
    const result = await runMigrations(url);
    expect(result).toEqual({ applied: all.map((m) => m.name), alreadyApplied: [] });

    const snap = await snapshot(url);
    expect(snap.tables).toEqual(TABLES);
    const indexes = snap.indexes.join('\n');
    expect(indexes).toContain(
      'CREATE INDEX agents_name_trgm_idx ON public.agents USING gin (name gin_trgm_ops)',
    );
    expect(indexes).toContain(
      'agents_description_trgm_idx ON public.agents USING gin (description gin_trgm_ops)',
    );
    expect(indexes).toContain('agents_tags_idx ON public.agents USING gin (tags)');
    expect(indexes).toContain('agent_search_document_idx ON public.agent_search USING gin (document)');
    expect(indexes).toContain(
      'agent_installs_workspace_id_agent_id_key ON public.agent_installs USING btree (workspace_id, agent_id)',
    );
    expect(indexes).toContain('(published, trending_score DESC, id DESC)');

    const row = await withClient(url, async (c) => {
      const ext = await c.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'");
      expect(ext.rowCount).toBe(1);
      return (await c.query('SELECT * FROM "_prisma_migrations" ORDER BY migration_name')).rows[0];
    });
    expect(row).toMatchObject({
      migration_name: init!.name,
      checksum: init!.checksum,
      logs: null,
      rolled_back_at: null,
      applied_steps_count: 1,
    });
    expect(row.finished_at).toBeInstanceOf(Date);
  });

  it('is a no-op the second time', async () => {
    const url = await emptyDb();
    await runMigrations(url);
    const before = await snapshot(url);
    const again = await runMigrations(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength((await readMigrations(defaultMigrationsDir())).length);
    expect(await snapshot(url)).toEqual(before);
  });

  it('refuses to run when an applied migration was edited, and changes nothing', async () => {
    const url = await emptyDb();
    const dir = await copyOfMigrations();
    const [init] = await readMigrations(dir);
    await runMigrations(url, { migrationsDir: dir });
    const before = await snapshot(url);

    // Tamper with one byte of the applied migration and add a pending one that must not run.
    const file = join(dir, init!.name, 'migration.sql');
    await writeFile(file, init!.sql.replace('CREATE TABLE "users"', 'CREATE TABLE "Users"'));
    await mkdir(join(dir, '29990101000000_pending'));
    await writeFile(
      join(dir, '29990101000000_pending', 'migration.sql'),
      'CREATE TABLE "should_not_exist" (id int);',
    );

    const run = runMigrations(url, { migrationsDir: dir });
    await expect(run).rejects.toBeInstanceOf(MigrationStateError);
    await expect(run).rejects.toThrow(`Migration "${init!.name}" was modified after it was applied`);
    expect(await snapshot(url)).toEqual(before);
  });

  it('treats a line-ending-only change (git autocrlf) as unchanged, as Prisma does', async () => {
    const url = await emptyDb();
    const dir = await copyOfMigrations();
    const [init] = await readMigrations(dir);
    await runMigrations(url, { migrationsDir: dir });
    await writeFile(join(dir, init!.name, 'migration.sql'), init!.sql.replace(/\n/g, '\r\n'));
    expect((await runMigrations(url, { migrationsDir: dir })).applied).toEqual([]);
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    const url = await emptyDb();
    const dir = await copyOfMigrations();
    await mkdir(join(dir, '29990101000000_broken'));
    await writeFile(
      join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\nALTER TABLE "no_such_table" ADD COLUMN x int;\n',
    );
    await expect(runMigrations(url, { migrationsDir: dir })).rejects.toThrow(
      /Migration "29990101000000_broken" failed and was rolled back/,
    );
    const snap = await snapshot(url);
    expect(snap.tables).not.toContain('half_done');
    const good = (await readMigrations(dir)).filter((m) => m.name !== '29990101000000_broken');
    expect(snap.history.map((h) => h.migration_name).sort()).toEqual(good.map((m) => m.name));
  });

  it('serializes concurrent runs with an advisory lock', async () => {
    const url = await emptyDb();
    const count = (await readMigrations(defaultMigrationsDir())).length;
    const results = await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, count]);
    expect((await snapshot(url)).history).toHaveLength(count);
  });
});
