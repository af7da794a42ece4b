/** The results table (markdown) and the machine description printed with it. */
import { cpus, loadavg } from 'node:os';
import { sourceState } from '@stash/harness';
import type { Measurement } from './load';
import { LABELS } from './variants';

function ratio(a: number, b: number | undefined): string {
  return b ? `${(a / b).toFixed(2)}×` : 'n/a';
}

export function resultsTable(rows: Measurement[]): string {
  const lines = [
    '| variant | conns | req/s | p50 ms | p99 ms | vs 1 (ceiling) | vs 6 (no cache) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const order = (r: Measurement) => r.connections * 100 + Object.keys(LABELS).indexOf(r.variant);
  for (const row of [...rows].sort((a, b) => order(a) - order(b))) {
    const same = rows.filter((r) => r.connections === row.connections);
    const ceiling = same.find((r) => r.variant === 'memory')?.rps;
    const uncached = same.find((r) => r.variant === 'api-bypass')?.rps;
    lines.push(
      `| ${LABELS[row.variant]} | ${row.connections} | ${Math.round(row.rps).toLocaleString('en-US')} | ` +
        `${row.p50} | ${row.p99} | ${ratio(row.rps, ceiling)} | ${ratio(row.rps, uncached)} |`,
    );
  }
  return lines.join('\n');
}

export function machine(extra: Record<string, string>): string {
  const cpu = cpus();
  const facts = {
    node: process.version,
    cpus: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown'}`,
    source: sourceState(),
    'load average (1 min) at end': loadavg()[0]?.toFixed(2) ?? '?',
    ...extra,
  };
  return Object.entries(facts)
    .map(([k, v]) => `- ${k}: ${v}`)
    .join('\n');
}
