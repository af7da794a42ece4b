import { base, en, Faker } from '@faker-js/faker';
import type { PrismaClient } from '../generated/prisma/client';
import { finalizeAgentStats, generateAgents, generateInstalls, generateTemplates } from './catalog';
import { COLUMNS, insertRows, resetSequence } from './insert';
import { DEMO_PASSWORD, DEMO_USERS, resolveSeedOptions, type SeedOptions, type SeedSummary } from './options';
import { hashDemoPassword } from './password';
import { generatePeople } from './people';

export * from './options';

type Counts = Omit<SeedSummary, 'skipped' | 'durationMs'>;

async function countRows(prisma: PrismaClient): Promise<Counts> {
  const [users, workspaces, memberships, agents, templates, installs] = await Promise.all([
    prisma.user.count(),
    prisma.workspace.count(),
    prisma.workspaceMember.count(),
    prisma.agent.count(),
    prisma.workflowTemplate.count(),
    prisma.agentInstall.count(),
  ]);
  return { users, workspaces, memberships, agents, templates, installs };
}

/**
 * Decides whether to write: an empty database is seeded; one already holding a seed of the same
 * size is left alone (so a second run changes nothing, even after people used the app); anything
 * else is refused rather than mixed with explicit-id rows.
 */
async function alreadySeeded(prisma: PrismaClient, opts: SeedOptions): Promise<Counts | undefined> {
  const counts = await countRows(prisma);
  const hasDemoUser = (await prisma.user.count({ where: { email: DEMO_USERS[0] } })) > 0;
  if (!hasDemoUser) {
    if (counts.users + counts.workspaces + counts.agents + counts.templates === 0) return undefined;
    throw new Error('Refusing to seed: the database already holds data that the seed did not write.');
  }
  // The app creates templates (ids after the seeded ones) but never users, workspaces or agents.
  const seededTemplates = await prisma.workflowTemplate.count({ where: { id: { lte: opts.templates } } });
  const same =
    counts.users === opts.users &&
    counts.workspaces === opts.workspaces &&
    counts.agents === opts.agents &&
    seededTemplates === opts.templates;
  if (!same) {
    throw new Error(
      `Refusing to seed: the database is already seeded with other sizes (${counts.agents} agents, ` +
        `${counts.templates} templates, ${counts.users} users, ${counts.workspaces} workspaces). ` +
        'Drop it (or delete .data/pglite for the embedded one) and seed again.',
    );
  }
  return counts;
}

/**
 * Fills the database with deterministic demo data (faker seeded with `opts.seed`). Rows are
 * generated in memory first, then written in one transaction: a failed run leaves nothing behind.
 */
export async function seedDatabase(
  prisma: PrismaClient,
  options: Partial<SeedOptions> = {},
): Promise<SeedSummary> {
  const started = performance.now();
  const opts = resolveSeedOptions(options);
  const progress = (phase: string, done: number, total: number) => opts.onProgress?.({ phase, done, total });

  const existing = await alreadySeeded(prisma, opts);
  if (existing) return { ...existing, skipped: true, durationMs: performance.now() - started };

  progress('generate', 0, 1);
  const f = new Faker({ locale: [en, base], seed: opts.seed });
  const passwordHash = await hashDemoPassword(f, DEMO_PASSWORD);
  const people = generatePeople(f, opts, passwordHash);
  const { agents, basePopularity } = generateAgents(f, opts);
  const installs = generateInstalls(f, people, agents);
  finalizeAgentStats(agents, basePopularity, installs);
  const templates = generateTemplates(f, opts, agents);
  progress('generate', 1, 1);

  const plan = [
    ['users', people.users],
    ['workspaces', people.workspaces],
    ['workspace_members', people.members],
    ['agents', agents],
    ['agent_installs', installs],
    ['workflow_templates', templates],
  ] as const;

  await prisma.$transaction(
    async (tx) => {
      for (const [table, rows] of plan) {
        progress(table, 0, rows.length);
        await insertRows(tx, table, COLUMNS[table], rows, (done) => progress(table, done, rows.length));
        if (table !== 'workspace_members') await resetSequence(tx, table);
      }
    },
    // Seeding 100k agents takes a while; the default 5 s interactive-transaction limit would abort it.
    { maxWait: 60_000, timeout: 30 * 60_000 },
  );
  // Fresh statistics, so the planner picks the trigram and keyset indexes right away instead of
  // waiting for autovacuum to notice the bulk load.
  progress('analyze', 0, 1);
  await prisma.$executeRawUnsafe(`ANALYZE ${plan.map(([table]) => `"${table}"`).join(', ')}`);
  progress('analyze', 1, 1);

  return {
    users: people.users.length,
    workspaces: people.workspaces.length,
    memberships: people.members.length,
    agents: agents.length,
    templates: templates.length,
    installs: installs.length,
    skipped: false,
    durationMs: performance.now() - started,
  };
}
