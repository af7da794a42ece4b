// `pnpm --filter @stash/db seed [--agents N] [--scale N] [--seed N]`: migrate, then seed
// DATABASE_URL or the embedded database. A second run with the same options changes nothing.
import { parseArgs } from 'node:util';
import { openDatabase } from '../open';
import { seedDatabase } from '../seed';
import { DEMO_PASSWORD, DEMO_USERS, type SeedOptions, scaledSeedOptions } from '../seed/options';
import { createProgressPrinter } from './progress';

function parseOptions(argv: string[]): Partial<SeedOptions> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string' },
      agents: { type: 'string' },
      templates: { type: 'string' },
      users: { type: 'string' },
      workspaces: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} expects a non-negative integer, got "${v}"`);
    return n;
  };
  const opts: Partial<SeedOptions> = values.scale ? scaledSeedOptions(Number(values.scale)) : {};
  for (const key of ['agents', 'templates', 'users', 'workspaces', 'seed'] as const) {
    const n = int(key, values[key]);
    if (n !== undefined) opts[key] = n;
  }
  return opts;
}

// pnpm passes a literal `--` through when invoked as `pnpm seed -- --agents 10`.
const options = parseOptions(process.argv.slice(2).filter((a) => a !== '--'));
const db = await openDatabase({ migrate: true, log: (line) => console.log(line) });
try {
  const started = performance.now();
  const summary = await seedDatabase(db.prisma, { ...options, onProgress: createProgressPrinter() });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    summary.skipped
      ? `already seeded (${summary.agents} agents): nothing to do`
      : `seeded ${summary.agents} agents, ${summary.templates} templates, ${summary.users} users, ` +
          `${summary.workspaces} workspaces, ${summary.installs} installs in ${seconds}s`,
  );
  console.log(`demo sign-in: ${DEMO_USERS.join(', ')} (password "${DEMO_PASSWORD}")`);
} finally {
  await db.close();
}
