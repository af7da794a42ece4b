/** Markdown tables for the mixed-workload and stampede scenarios. */
import type { MixedResult } from './mixed';
import type { Burst } from './stampede';

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);

export function mixedTable(r: MixedResult): string {
  const lines = [
    '| procedure | reads | hit | stale | miss | error | bypass | from cache (hit + stale) | resolver runs | runs per read |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const total = { reads: 0, hit: 0, stale: 0, miss: 0, error: 0, bypass: 0, runs: 0 };
  for (const [procedure, t] of [...r.procedures].sort((a, b) => b[1].reads - a[1].reads)) {
    const o = t.outcomes;
    lines.push(
      `| ${procedure} | ${t.reads} | ${o.hit} | ${o.stale} | ${o.miss} | ${o.error} | ${o.bypass} | ` +
        `${pct(o.hit + o.stale, t.reads)} | ${t.loaderRuns} | ${(t.loaderRuns / Math.max(1, t.reads)).toFixed(3)} |`,
    );
    total.reads += t.reads;
    total.hit += o.hit;
    total.stale += o.stale;
    total.miss += o.miss;
    total.error += o.error;
    total.bypass += o.bypass;
    total.runs += t.loaderRuns;
  }
  lines.push(
    `| **all reads** | ${total.reads} | ${total.hit} | ${total.stale} | ${total.miss} | ${total.error} | ${total.bypass} | ` +
      `**${pct(total.hit + total.stale, total.reads)}** (hit only ${pct(total.hit, total.reads)}) | ${total.runs} | ` +
      `**${(total.runs / Math.max(1, total.reads)).toFixed(3)}** |`,
  );
  const latency = [
    '| instance | requests | req/s | p50 ms | p99 ms | non-2xx | errors + timeouts | breaker after |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...r.instances.map(
      (i) =>
        `| ${i.label} | ${i.requests} | ${Math.round(i.rps)} | ${i.p50} | ${i.p99} | ${i.non2xx} | ${i.errors} | ${i.breaker} |`,
    ),
  ];
  return `${lines.join('\n')}\n\nWrites (installs + uninstalls answered 200): ${r.writes}; reads without a cache outcome (non-200): ${r.unlabeled}.\n\n${latency.join('\n')}`;
}

/**
 * A burst keeps its promise when no key was loaded twice: the procedure's own entry at most once
 * (0 when a write stored it), each namespace of one-key facts at most once, and per-agent install
 * counts at most once per agent shown (they are one key each, so only a second run of the same
 * count would show as a run above the number of cards, which this table cannot tell apart; the
 * count column is printed for the reader).
 */
const PER_AGENT = 'live.agentInstallCount';

function keptPromise(b: Burst): boolean {
  return b.loaderRuns <= 1 && [...b.otherLoads].every(([ns, n]) => ns === PER_AGENT || n <= 1);
}

export function stampedeTable(bursts: Burst[]): string {
  const lines = [
    '| key | procedure | requests | resolver runs (own) | other loads | outcomes | non-200 | burst ms |',
    '|---|---|---:|---:|---|---|---:|---:|',
    ...bursts.map(
      (b) =>
        `| ${b.kind} | ${b.procedure} | ${b.requests} | ${keptPromise(b) ? b.loaderRuns : `**${b.loaderRuns}**`} | ` +
        `${[...b.otherLoads].map(([ns, n]) => `${ns} ${n}`).join(', ') || '-'} | ` +
        `${Object.entries(b.outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} | ${b.non200} | ${Math.round(b.ms)} |`,
    ),
  ];
  const kept = bursts.filter(keptPromise).length;
  return `${lines.join('\n')}\n\nBursts in which no key was loaded twice: ${kept} of ${bursts.length}.`;
}
