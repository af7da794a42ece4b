/** The results table (markdown) and the machine description printed with it. */
import { cpus, loadavg } from 'node:os';
import { sourceState } from '@stash/harness';
import { type Measurement, percentilesMs } from './load';
import { LABELS } from './variants';

function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b ? `${(a / b).toFixed(2)}×` : 'n/a';
}

/** p99 without each connection's first response (load.ts, `onOpenConnections`); '–' under wrk. */
function openP99(row: Measurement): string {
  return row.onOpenConnections ? String(percentilesMs(row.onOpenConnections).p99) : '–';
}

export function resultsTable(rows: Measurement[]): string {
  const lines = [
    '| variant | conns | req/s | p50 ms | p99 ms | p99 ms, open connections | vs 1 (ceiling) | vs 6 (no cache) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const order = (r: Measurement) => r.connections * 100 + Object.keys(LABELS).indexOf(r.variant);
  for (const row of [...rows].sort((a, b) => order(a) - order(b))) {
    const same = rows.filter((r) => r.connections === row.connections);
    const ceiling = same.find((r) => r.variant === 'memory')?.rps;
    const uncached = same.find((r) => r.variant === 'api-bypass')?.rps;
    lines.push(
      `| ${LABELS[row.variant]} | ${row.connections} | ${Math.round(row.rps).toLocaleString('en-US')} | ` +
        `${row.p50} | ${row.p99} | ${openP99(row)} | ${ratio(row.rps, ceiling)} | ${ratio(row.rps, uncached)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The bars, side by side per connection count (docs/benchmarks.md, "HTTP load"). Throughput: the
 * stored response against tRPC answering a constant inside the same Next app (≥ 1.5×) and against
 * Next's constant bytes (≥ 0.9×), and a 304 revalidation against a hit (> 1×: it must cost less).
 * Tail: the stored response's p99 against the constant bytes' (≤ 1.5×).
 */
export function nextRatios(rows: Measurement[]): string {
  const lines = [
    '| conns | 8 / 9 (stored vs tRPC constant, bar ≥ 1.5×) | 8 / 7 (stored vs Next bytes, bar ≥ 0.9×) | 8 / 7b (the same, tRPC-shaped URL) | 10 / 8 (304 vs hit, bar > 1×) | p99 8 / 7 (bar ≤ 1.5×) | 11 / 8 (signed-in byId vs public stored, bar ≥ 0.7×) | 12 / 8 (signed-in mine vs public stored) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const connections of [...new Set(rows.map((r) => r.connections))].sort((a, b) => a - b)) {
    const row = (variant: Measurement['variant']) =>
      rows.find((r) => r.variant === variant && r.connections === connections);
    const rps = (variant: Measurement['variant']) => row(variant)?.rps;
    const stored = rps('next-api');
    if (stored === undefined) continue;
    lines.push(
      `| ${connections} | ${ratio(stored, rps('next-trpc-constant'))} | ${ratio(stored, rps('next-constant'))} | ` +
        `${ratio(stored, rps('next-constant-same-url'))} | ` +
        `${ratio(rps('next-api-304'), stored)} | ${ratio(row('next-api')?.p99, row('next-constant')?.p99)} | ` +
        `${ratio(rps('next-ws-byid'), stored)} | ${ratio(rps('next-ws-mine'), stored)} |`,
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
