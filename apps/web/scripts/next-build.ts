/**
 * "Is the production build current?" and "build it": shared by the demo and the e2e test.
 * A build is current when .next/BUILD_ID is newer than every source file the app compiles
 * (this app plus the workspace packages it transpiles).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(webRoot, '../..');
export const nextBin = createRequire(join(webRoot, 'package.json')).resolve('next/dist/bin/next');

const SOURCES = [
  join(webRoot, 'src'),
  join(webRoot, 'next.config.ts'),
  join(webRoot, 'package.json'),
  join(repoRoot, 'packages/api/src'),
  join(repoRoot, 'packages/cache/src'),
  join(repoRoot, 'packages/cdn/src'),
  join(repoRoot, 'packages/trpc-cache/src'),
  join(repoRoot, 'packages/db/src'),
  join(repoRoot, 'packages/db/prisma/schema.prisma'),
  join(repoRoot, 'packages/tag-sync/src'),
  join(repoRoot, 'packages/validators/src'),
];

/** Regenerated on every install (same content, new mtime): the schema above stands in for it. */
const IGNORED = new Set(['node_modules', 'generated']);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (IGNORED.has(entry) || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why a build is needed, or null when .next holds a build of the current sources. */
export function buildNeeded(): string | null {
  const buildId = join(webRoot, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'no production build yet';
  const builtAt = statSync(buildId).mtimeMs;
  const changed = SOURCES.find((source) => newestMtime(source) > builtAt);
  return changed ? `sources changed since the last build (${changed.slice(repoRoot.length + 1)})` : null;
}

/**
 * `next build`. Types are checked by `pnpm typecheck`, so the demo may skip the repeat.
 * Next prints nothing while it compiles (a minute on a busy 2-core machine), so `onTick` is
 * called every `tickMs` with the seconds spent so far: the demo shows the build is alive.
 */
export function runNextBuild(opts: {
  skipTypecheck: boolean;
  quiet?: boolean;
  onTick?: (seconds: number) => void;
  tickMs?: number;
}): Promise<void> {
  const started = performance.now();
  const ticker = opts.onTick
    ? setInterval(
        () => opts.onTick?.(Math.round((performance.now() - started) / 1000)),
        opts.tickMs ?? 10_000,
      )
    : undefined;
  return new Promise<void>((resolveBuild, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: webRoot,
      stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        ...(opts.skipTypecheck ? { STASH_SKIP_BUILD_TYPECHECK: '1' } : {}),
      },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolveBuild()
        : reject(new Error(`next build failed (exit ${code})\n${output.slice(-4000)}`)),
    );
  }).finally(() => clearInterval(ticker));
}
