import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findUp(start: string, marker: string): string | undefined {
  let dir = start;
  while (true) {
    if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The monorepo root (where pnpm-workspace.yaml lives). Looked up from the working directory first,
 * because bundlers (Next) may move this module, then from this file's location.
 */
export function repoRoot(): string {
  return (
    findUp(process.cwd(), 'pnpm-workspace.yaml') ??
    findUp(dirname(fileURLToPath(import.meta.url)), 'pnpm-workspace.yaml') ??
    process.cwd()
  );
}

/** Where the embedded database keeps its files: PGLITE_DATA_DIR, else `<repo>/.data/pglite` (gitignored). */
export function defaultEmbeddedDataDir(): string {
  return process.env.PGLITE_DATA_DIR || join(repoRoot(), '.data', 'pglite');
}
