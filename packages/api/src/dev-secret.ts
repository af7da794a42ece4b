/**
 * The session secret of a developer's machine (`pnpm dev`, `pnpm demo`): random, generated once
 * and kept in `<repo>/.data/session-secret` (gitignored, mode 600), so sessions survive restarts
 * and no secret is ever shared between machines or written in the code.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@stash/db';

export function devSessionSecret(dataDir: string = join(repoRoot(), '.data')): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
