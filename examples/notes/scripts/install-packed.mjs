#!/usr/bin/env node
// Installs the caching library into this example the way a stranger gets it: `pnpm pack` turns
// each package into the tarball a publish would upload (dist/ + README + package.json, with
// `workspace:*` and `catalog:` replaced by versions), and npm installs those tarballs with the
// example's other dependencies from the registry. No workspace link is involved, so the test
// checks what users would run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const example = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(example, '..', '..');
const packed = join(example, '.packed');
// What the example installs.
const PACKAGES = [
  { dir: 'packages/cache', tarball: 'stash-cache.tgz' },
  { dir: 'packages/trpc-cache', tarball: 'stash-trpc-cache.tgz' },
];

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

async function pack({ dir, tarball }) {
  const out = join(packed, dir.replaceAll('/', '-'));
  mkdirSync(out, { recursive: true });
  // `prepack` builds dist/ first.
  const child = spawn('pnpm', ['pack', '--pack-destination', out], {
    cwd: join(repo, dir),
    stdio: 'inherit',
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  const [file] = readdirSync(out).filter((name) => name.endsWith('.tgz'));
  if (code !== 0 || !file) throw new Error(`pnpm pack failed for ${dir} (exit ${code})`);
  // A fixed name, so package.json does not change with the version.
  renameSync(join(out, file), join(packed, tarball));
  checkContents(join(packed, tarball));
  rmSync(out, { recursive: true });
}

/** A tarball holds the build, the README and package.json: no sources, tests or test helpers. */
function checkContents(file) {
  const entries = execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).trim().split('\n');
  const stray = entries.filter((entry) => !/^package\/(dist\/.+|README\.md|package\.json)$/.test(entry));
  if (stray.length > 0) throw new Error(`${file} holds more than dist/, README and package.json: ${stray}`);
  if (!entries.includes('package/dist/index.d.ts')) throw new Error(`${file} has no dist/index.d.ts`);
}

rmSync(packed, { recursive: true, force: true });
// Side by side: each build is mostly its own type check (the .d.ts), one core each.
await Promise.all(PACKAGES.map(pack));

// npm records a file dependency's integrity in node_modules/.package-lock.json and would keep
// the previous build if the path did not change: drop the installed copies first.
rmSync(join(example, 'node_modules', '@stash'), { recursive: true, force: true });
run('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], example);
