import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../paths';

/**
 * `packages/db/prisma/migrations`, found from this file (any cwd) or, when a bundler has moved
 * this module, from the repo root. (Not `new URL('…', import.meta.url)`: bundlers treat that
 * pattern as an asset import.)
 */
export function defaultMigrationsDir(): string {
  const besideSource = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'prisma', 'migrations');
  return existsSync(besideSource) ? besideSource : join(repoRoot(), 'packages', 'db', 'prisma', 'migrations');
}

export type MigrationFile = {
  /** Directory name, e.g. `20261125025936_init`; also the `migration_name` Prisma records. */
  name: string;
  sql: string;
  /** Hex sha256 of the file's bytes: the same checksum `prisma migrate` stores. */
  checksum: string;
};

export function checksumOf(contents: string | Buffer): string {
  return createHash('sha256').update(contents).digest('hex');
}

/**
 * Whether a recorded checksum matches the file. Like Prisma, a checkout that only changed line
 * endings (git autocrlf on Windows) still matches; any other edit does not.
 */
export function matchesChecksum(file: MigrationFile, recorded: string): boolean {
  if (file.checksum === recorded) return true;
  const lf = file.sql.replace(/\r\n/g, '\n');
  return checksumOf(lf) === recorded || checksumOf(lf.replace(/\n/g, '\r\n')) === recorded;
}

/**
 * Reads Prisma's layout: one `<timestamp>_<name>/migration.sql` per directory, applied in name
 * order (the timestamp prefix makes that chronological). Other files are ignored, as Prisma does.
 */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  if (!existsSync(dir)) throw new Error(`Migrations directory not found: ${dir}`);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    }),
  );
}
