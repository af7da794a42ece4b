/** Which source a measurement ran: the commit, and uncommitted files in the measured packages. */
import { execFileSync } from 'node:child_process';

/** Commit plus whether the measured packages had uncommitted changes (read-only git calls). */
export function sourceState(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', ':/packages/api', ':/packages/cache')
      .split('\n')
      .filter(Boolean);
    return `${git('rev-parse', '--short', 'HEAD')}${dirty.length > 0 ? ` + ${dirty.length} uncommitted files in packages/api, packages/cache` : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}
