/** The per-window table, printed and written into docs/reliability.md ("Faults" section). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { WindowSummary } from './recorder';
import { type Bounds, problems } from './verdict';

const ms = (v: number | null) => (v === null ? 'not recovered' : `${(v / 1000).toFixed(1)} s`);

/** Why the windows that failed did, e.g. "baseline (3 wrong, a request took 6100 ms (bound 5000 ms))". */
export function failures(rows: readonly WindowSummary[], bounds: Bounds): string[] {
  return rows.flatMap((s) => {
    const found = problems(s, bounds);
    return found.length > 0 ? [`${s.name} (${found.join(', ')})`] : [];
  });
}

const share = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)} %`);

export function table(rows: WindowSummary[]): string {
  const lines = [
    '| window | requests (writes; exact reads checked, from cache) | wrong answers | 5xx | hangs (> 2 s) | slowest | conn. errors (expected) | cache `error` | p99 during fault | recovery | hit rate before; back after | list lag: lagged / reads, max |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const s of rows) {
    const wrong =
      s.wrong === 0
        ? '0'
        : `**${s.wrong}** (${Object.entries(s.wrongByProcedure)
            .map(([p, n]) => `${p} ${n}`)
            .join(', ')}; up to ${s.maxWrongLagMs === null ? '?' : `${Math.round(s.maxWrongLagMs)} ms`} old)`;
    lines.push(
      `| ${s.expectWrong ? `${s.name} (calibration: must be > 0)` : s.name} | ` +
        `${s.requests} (${s.writes}; ${s.checked}, ${s.checkedFromCache}) | ${wrong} | ${s.fiveXx} | ${s.hangs} | ${s.slowestMs} ms | ${s.connErrors} (${s.expectedConnErrors}) | ` +
        `${s.cacheErrors} | ${s.p99FaultMs} ms | ${ms(s.recoveryMs)} | ${share(s.hitShareBefore)}; ${ms(s.hitRecoveryMs)} | ${s.listLagged} / ${s.listReads}, ${s.maxListLagMs} ms |`,
    );
  }
  return lines.join('\n');
}

export function notes(rows: WindowSummary[]): string {
  return rows
    .filter((s) => s.notes.length > 0)
    .map((s) => {
      // The same note from repeated injections (e.g. five crash attempts) is listed once, counted.
      const counts = new Map<string, number>();
      for (const note of s.notes) counts.set(note, (counts.get(note) ?? 0) + 1);
      const text = [...counts].map(([note, n]) => (n > 1 ? `${note} (×${n})` : note));
      return `- ${s.name}: ${text.join('; ')}`;
    })
    .join('\n');
}

/**
 * Rewrites the `## Faults` section of docs/reliability.md: the method text, then one "### Last
 * run ..." subsection per kind of run (e.g. quiet, with busy loops), replacing only the one with
 * `title`. Every other section of the file (e.g. "Security") is left as it was.
 */
export function writeReliabilityDoc(path: string, method: string, title: string, body: string): void {
  const heading = '## Faults';
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Reliability\n';
  const start = current.indexOf(`\n${heading}\n`);
  const afterHeading = start < 0 ? -1 : start + heading.length + 2;
  const nextOffset = afterHeading < 0 ? -1 : current.slice(afterHeading).search(/^## /m);
  const end = nextOffset < 0 ? current.length : afterHeading + nextOffset;
  const old = afterHeading < 0 ? '' : current.slice(afterHeading, end);
  const runs = new Map<string, string>();
  for (const part of old.split(/^(?=### Last run)/m).slice(1)) {
    const name = part.split('\n', 1)[0]?.slice(4).trim() ?? '';
    runs.set(name, part.trim());
  }
  runs.set(title, `### ${title}\n\n${body.trim()}`);
  const section = [
    heading,
    method.trim(),
    ...[...runs].sort(([a], [b]) => a.localeCompare(b)).map(([, t]) => t),
  ]
    .join('\n\n')
    .concat('\n');
  const before = start < 0 ? `${current.trimEnd()}\n\n` : current.slice(0, start + 1);
  const after = start < 0 || end >= current.length ? '' : `\n${current.slice(end)}`;
  writeFileSync(path, `${before}${section}${after}`);
}
