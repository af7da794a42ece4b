/**
 * The HTTP results as an SVG chart (docs/bench-http.svg): per variant, throughput and p99 at
 * each connection count, as horizontal bars. Hand-written (about 80 lines of string building)
 * rather than a charting dependency: two bar panels do not need a library, and the file stays
 * diffable text. Both axes are logarithmic: the variants span two orders of magnitude
 * (a bare Node server against PostgreSQL behind tRPC), and a linear axis would flatten all but one.
 */
import type { Measurement } from './load';
import { LABELS, type Variant } from './variants';

const COLORS = ['#3b6ea8', '#e0892f', '#5a9e4b', '#a0522d'];
const ROW = 30;
const BAR = 11;
const LABEL_W = 420;
const PANEL_W = 250;
const GAP = 70;
const TOP = 84;

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** x offset (0..PANEL_W) of `value` on a log axis from 10^lo to 10^hi. */
function logX(value: number, lo: number, hi: number): number {
  const clamped = Math.max(value, 10 ** lo);
  return ((Math.log10(clamped) - lo) / (hi - lo)) * PANEL_W;
}

function panel(
  rows: Measurement[],
  variants: Variant[],
  conns: number[],
  x0: number,
  title: string,
  pick: (m: Measurement) => number,
  show: (m: Measurement) => number = pick,
): string[] {
  const values = rows.map(pick).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.max(Math.min(...values), 1)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 10)));
  const out = [`<text x="${x0}" y="${TOP - 30}" class="head">${xmlText(title)}</text>`];
  for (let e = lo; e <= hi; e++) {
    const x = x0 + logX(10 ** e, lo, hi);
    const height = TOP + variants.length * ROW;
    out.push(`<line x1="${x}" y1="${TOP - 14}" x2="${x}" y2="${height}" class="grid"/>`);
    out.push(`<text x="${x}" y="${TOP - 16}" class="tick">${(10 ** e).toLocaleString('en-US')}</text>`);
  }
  variants.forEach((variant, i) => {
    conns.forEach((c, j) => {
      const m = rows.find((r) => r.variant === variant && r.connections === c);
      if (!m) return;
      const y = TOP + i * ROW + j * (BAR + 1);
      const w = Math.max(1, logX(pick(m), lo, hi));
      out.push(
        `<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="${COLORS[j % COLORS.length]}"/>`,
      );
      out.push(
        `<text x="${x0 + w + 4}" y="${y + BAR - 2}" class="value">${Math.round(show(m)).toLocaleString('en-US')}</text>`,
      );
    });
  });
  return out;
}

export function httpChart(rows: Measurement[], title: string, detail: string): string {
  const variants = (Object.keys(LABELS) as Variant[]).filter((v) => rows.some((r) => r.variant === v));
  const conns = [...new Set(rows.map((r) => r.connections))].sort((a, b) => a - b);
  const width = LABEL_W + 2 * PANEL_W + GAP + 60;
  const height = TOP + variants.length * ROW + 46;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12" role="img">`,
    `<title>${xmlText(title)}</title>`,
    '<style>.head{font-weight:600;font-size:13px}.tick{fill:#666;font-size:10px;text-anchor:middle}.grid{stroke:#ddd}.value{fill:#333;font-size:10px}.label{fill:#222}.detail{fill:#555;font-size:11px}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" class="head">${xmlText(title)}</text>`,
    `<text x="10" y="38" class="detail">${xmlText(detail)}</text>`,
  ];
  variants.forEach((variant, i) => {
    const y = TOP + i * ROW + BAR + 3;
    out.push(`<text x="10" y="${y}" class="label">${xmlText(LABELS[variant].replace(/`/g, ''))}</text>`);
  });
  out.push(...panel(rows, variants, conns, LABEL_W, 'req/s (log scale, longer is better)', (m) => m.rps));
  out.push(
    ...panel(
      rows,
      variants,
      conns,
      LABEL_W + PANEL_W + GAP,
      'p99 ms (log scale, shorter is better)',
      (m) => Math.max(m.p99, 1),
      (m) => m.p99,
    ),
  );
  conns.forEach((c, j) => {
    const x = 10 + j * 150;
    const y = height - 16;
    out.push(`<rect x="${x}" y="${y - 9}" width="12" height="10" fill="${COLORS[j % COLORS.length]}"/>`);
    out.push(`<text x="${x + 18}" y="${y}">${c} connections</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
