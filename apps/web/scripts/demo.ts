/**
 * `pnpm demo`: the whole app on one command, nothing installed beyond Node.
 *
 * Without DATABASE_URL it starts the embedded PostgreSQL (PGlite) in this process and keeps it
 * running, migrates and seeds it (first run only), builds the app if the build is missing or
 * stale, and runs `next start` as a child pointed at the embedded database. Without REDIS_URL the
 * in-process memory cache serves. Ctrl-C stops the server, then the database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { devSessionSecret } from '@stash/api';
import {
  createDb,
  DEMO_PASSWORD,
  DEMO_USERS,
  type EmbeddedPostgres,
  runMigrations,
  type SeedProgress,
  seedDatabase,
  startEmbeddedPostgres,
} from '@stash/db';
import { buildNeeded, nextBin, repoRoot, runNextBuild, webRoot } from './next-build';

const PORT = Number(process.env.PORT ?? 3000);
const DATA_DIR = join(repoRoot, '.data');
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
const say = (line: string) => console.log(`[demo ${elapsed()}] ${line}`);

function progressPrinter(): (p: SeedProgress) => void {
  let last = '';
  return ({ phase, done, total }) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    const step = `${phase}:${pct >= 100 ? 100 : pct >= 50 ? 50 : 0}`;
    if (step === last) return;
    last = step;
    say(`  seeding ${phase.padEnd(18)} ${String(pct).padStart(3)}% (${done}/${total})`);
  };
}

async function prepareDatabase(): Promise<{ url: string; embedded: EmbeddedPostgres | null }> {
  const configured = process.env.DATABASE_URL;
  const embedded = configured ? null : await startEmbeddedPostgres({ dataDir: join(DATA_DIR, 'pglite') });
  const url = configured ?? embedded!.url;
  say(embedded ? `embedded PostgreSQL (PGlite, .data/pglite) serving on ${url}` : 'using DATABASE_URL');
  await runMigrations(url, { log: (line: string) => say(`  ${line}`) });
  const db = createDb({ url, poolMax: 1 });
  try {
    const summary = await seedDatabase(db.prisma, { onProgress: progressPrinter() });
    say(
      summary.skipped
        ? `database already seeded (${summary.agents} agents)`
        : `seeded ${summary.agents} agents, ${summary.templates} templates, ${summary.users} users ` +
            `in ${(summary.durationMs / 1000).toFixed(1)}s`,
    );
  } finally {
    await db.close();
  }
  say(`demo sign-in: ${DEMO_USERS.join(', ')} · password "${DEMO_PASSWORD}"`);
  return { url, embedded };
}

async function waitForHealth(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('the server did not become healthy');
}

async function main(): Promise<void> {
  const { url, embedded } = await prepareDatabase();
  const stopDatabase = async () => {
    if (embedded) {
      await embedded.stop();
      say('embedded database stopped');
    }
  };

  const reason = buildNeeded();
  if (reason) {
    say(`building the app: ${reason} (next build: ~30 s on 2 idle cores, longer when busy)…`);
    const buildStart = performance.now();
    await runNextBuild({
      skipTypecheck: true,
      onTick: (seconds) =>
        say(`  still building (${seconds}s so far; Next prints nothing while it compiles)…`),
    });
    say(`build done in ${((performance.now() - buildStart) / 1000).toFixed(1)}s`);
  } else {
    say('production build is current: skipping next build');
  }

  say(`starting next start on port ${PORT}`);
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(PORT)], {
    cwd: webRoot,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: url,
      // PGlite serves one session: the app must use a single connection against it.
      ...(embedded ? { DATABASE_POOL_MAX: '1', STASH_DATABASE_EMBEDDED: '1' } : {}),
      // A stable secret in .data/ so sessions survive demo restarts (SESSION_SECRET wins if set).
      SESSION_SECRET: process.env.SESSION_SECRET || devSessionSecret(DATA_DIR),
      // The demo's admin (may bypass/refresh the cache per request); production sets its own.
      STASH_ADMIN_EMAILS: process.env.STASH_ADMIN_EMAILS ?? DEMO_USERS[0],
    },
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the server…`);
    child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  child.on('exit', (code, signal) => {
    // Stopped on request: a clean exit, whatever code the server ended with.
    void stopDatabase().finally(() => process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0))));
  });

  try {
    await waitForHealth(child);
  } catch (error) {
    say(String(error));
    stop('SIGTERM');
    return;
  }
  say(`ready: http://localhost:${PORT}`);
  say(`sign in with ${DEMO_USERS[0]} (or ${DEMO_USERS.slice(1).join(', ')}), password "${DEMO_PASSWORD}"`);
  say('cache dashboard: /dashboard/cache · health: /api/health · metrics: /api/metrics · Ctrl-C stops');
}

main().catch((error: unknown) => {
  console.error('[demo] failed:', error);
  process.exit(1);
});
