import type { SeedProgress } from '../seed/options';

/**
 * Terminal progress for the seed: one bar redrawn in place on a TTY, or a line per phase at
 * 0/50/100 % when the output is a log file or CI (no carriage-return soup there).
 */
export function createProgressPrinter(out: NodeJS.WriteStream = process.stdout): (p: SeedProgress) => void {
  const tty = Boolean(out.isTTY);
  const lastLogged = new Map<string, number>();
  return ({ phase, done, total }) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      out.write(`\r  ${phase.padEnd(20)} [${bar}] ${String(pct).padStart(3)}% ${done}/${total}`);
      if (done >= total) out.write('\n');
      return;
    }
    const step = pct >= 100 ? 100 : pct >= 50 ? 50 : 0;
    if (lastLogged.get(phase) === step) return;
    lastLogged.set(phase, step);
    out.write(`  ${phase}: ${step}% (${done}/${total})\n`);
  };
}
